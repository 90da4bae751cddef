namespace RxTelnet.Diagnostics;

using System.Net;
using Microsoft.Extensions.Logging;

/// <summary>Every log message RxTelnet writes, source-generated; the event ids are <see cref="TelnetDiagnostics"/>'s constants.</summary>
internal static partial class TelnetLog
{
    [LoggerMessage(EventId = TelnetDiagnostics.ConnectingEventId, EventName = "Connecting", Level = LogLevel.Debug,
        Message = "Connecting to {Host}:{Port}")]
    public static partial void Connecting(ILogger logger, string host, int port);

    [LoggerMessage(EventId = TelnetDiagnostics.ConnectedEventId, EventName = "Connected", Level = LogLevel.Debug,
        Message = "Connected to {Host}:{Port} ({RemoteEndPoint}) in {ElapsedMilliseconds} ms")]
    public static partial void Connected(ILogger logger, string host, int port, EndPoint? remoteEndPoint, double elapsedMilliseconds);

    [LoggerMessage(EventId = TelnetDiagnostics.ConnectFailedEventId, EventName = "ConnectFailed", Level = LogLevel.Information,
        Message = "Connecting to {Host}:{Port} failed after {ElapsedMilliseconds} ms: {ErrorType}")]
    public static partial void ConnectFailed(ILogger logger, string host, int port, double elapsedMilliseconds, string errorType, Exception exception);

    [LoggerMessage(EventId = TelnetDiagnostics.SessionOpenedEventId, EventName = "SessionOpened", Level = LogLevel.Debug,
        Message = "Session {SessionId} opened ({Side}, {LocalEndPoint} -> {RemoteEndPoint})")]
    public static partial void SessionOpened(ILogger logger, long sessionId, string side, EndPoint? localEndPoint, EndPoint? remoteEndPoint);

    [LoggerMessage(EventId = TelnetDiagnostics.SessionClosedEventId, EventName = "SessionClosed", Level = LogLevel.Information,
        Message = "Session {SessionId} closed: {CloseReason} after {BytesReceived} bytes received, {BytesSent} sent")]
    public static partial void SessionClosed(ILogger logger, long sessionId, string closeReason, long bytesReceived, long bytesSent, Exception? exception);

    [LoggerMessage(EventId = TelnetDiagnostics.NegotiationEventId, EventName = "Negotiation", Level = LogLevel.Debug,
        Message = "Session {SessionId} received {Verb} {Option}: {Side} {Before} -> {After}{Error}")]
    public static partial void Negotiation(ILogger logger, long sessionId, string verb, string option, string side, string before, string after, string error);

    [LoggerMessage(EventId = TelnetDiagnostics.OptionChangedEventId, EventName = "OptionChanged", Level = LogLevel.Debug,
        Message = "Session {SessionId}: {Option} {State} on the {Side} side")]
    public static partial void OptionChanged(ILogger logger, long sessionId, string option, string state, string side);

    [LoggerMessage(EventId = TelnetDiagnostics.ProtocolWarningEventId, EventName = "ProtocolWarning", Level = LogLevel.Warning,
        Message = "Session {SessionId}: {WarningKind}: {Warning}")]
    public static partial void ProtocolWarning(ILogger logger, long sessionId, string warningKind, string warning);

    [LoggerMessage(EventId = TelnetDiagnostics.LimitHitEventId, EventName = "LimitHit", Level = LogLevel.Warning,
        Message = "Session {SessionId}: {LimitName} ({Limit}) reached: {Attempted} would have been held")]
    public static partial void LimitHit(ILogger logger, long sessionId, string limitName, long limit, long attempted);

    [LoggerMessage(EventId = TelnetDiagnostics.StartTlsStartedEventId, EventName = "StartTlsStarted", Level = LogLevel.Debug,
        Message = "Session {SessionId}: START-TLS handshake starts as the TLS {Role}")]
    public static partial void StartTlsStarted(ILogger logger, long sessionId, string role);

    [LoggerMessage(EventId = TelnetDiagnostics.StartTlsCompletedEventId, EventName = "StartTlsCompleted", Level = LogLevel.Debug,
        Message = "Session {SessionId}: START-TLS established in {ElapsedMilliseconds} ms")]
    public static partial void StartTlsCompleted(ILogger logger, long sessionId, double elapsedMilliseconds);

    [LoggerMessage(EventId = TelnetDiagnostics.StartTlsFailedEventId, EventName = "StartTlsFailed", Level = LogLevel.Warning,
        Message = "Session {SessionId}: START-TLS handshake failed after {ElapsedMilliseconds} ms: {ErrorType}")]
    public static partial void StartTlsFailed(ILogger logger, long sessionId, double elapsedMilliseconds, string errorType, Exception? exception);

    [LoggerMessage(EventId = TelnetDiagnostics.ListenerStartedEventId, EventName = "ListenerStarted", Level = LogLevel.Debug,
        Message = "Listening on {LocalEndPoint} ({Security}, at most {MaxSessions} sessions)")]
    public static partial void ListenerStarted(ILogger logger, EndPoint localEndPoint, string security, int maxSessions);

    [LoggerMessage(EventId = TelnetDiagnostics.ConnectionAcceptedEventId, EventName = "ConnectionAccepted", Level = LogLevel.Debug,
        Message = "Listener {LocalEndPoint} accepted {RemoteEndPoint} ({ActiveSessions} open)")]
    public static partial void ConnectionAccepted(ILogger logger, EndPoint localEndPoint, EndPoint? remoteEndPoint, int activeSessions);

    [LoggerMessage(EventId = TelnetDiagnostics.TlsHandshakeFailedEventId, EventName = "TlsHandshakeFailed", Level = LogLevel.Warning,
        Message = "Listener {LocalEndPoint}: TLS handshake with {RemoteEndPoint} failed: {ErrorType}")]
    public static partial void TlsHandshakeFailed(ILogger logger, EndPoint localEndPoint, EndPoint? remoteEndPoint, string errorType, Exception exception);

    [LoggerMessage(EventId = TelnetDiagnostics.ListenerStoppedEventId, EventName = "ListenerStopped", Level = LogLevel.Debug,
        Message = "Listener {LocalEndPoint} stopped after {Accepted} connections ({Rejected} rejected)")]
    public static partial void ListenerStopped(ILogger logger, EndPoint localEndPoint, long accepted, long rejected);

    [LoggerMessage(EventId = TelnetDiagnostics.BytesReceivedEventId, EventName = "BytesReceived", Level = LogLevel.Trace,
        Message = "Session {SessionId} received {Count} bytes: {Hex}")]
    public static partial void BytesReceived(ILogger logger, long sessionId, int count, string hex);

    [LoggerMessage(EventId = TelnetDiagnostics.BytesSentEventId, EventName = "BytesSent", Level = LogLevel.Trace,
        Message = "Session {SessionId} sent {Count} bytes: {Hex}")]
    public static partial void BytesSent(ILogger logger, long sessionId, int count, string hex);
}

/// <summary>The listener's messages that share an event id and name with a session's (a limit hit).</summary>
internal static partial class ListenerLog
{
    [LoggerMessage(EventId = TelnetDiagnostics.LimitHitEventId, EventName = "LimitHit", Level = LogLevel.Warning,
        Message = "Listener {LocalEndPoint}: MaxSessions ({Limit}) reached: connection from {RemoteEndPoint} closed without a session")]
    public static partial void SessionLimitHit(ILogger logger, EndPoint localEndPoint, int limit, EndPoint? remoteEndPoint);
}
