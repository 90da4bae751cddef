namespace RxTelnet.Diagnostics;

using Microsoft.Extensions.Logging;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// One session's logging (and metrics): the loggers of its categories, its id in log lines and its byte counts.
/// Every method is cheap when nothing listens: a level check or an instrument's enabled check.
/// </summary>
internal sealed class SessionTelemetry
{
    private static long s_nextId;
    private long _received;
    private long _sent;
    private int _opened;

    public SessionTelemetry(TelnetSessionOptions options)
    {
        Id = Interlocked.Increment(ref s_nextId);
        var factory = options.LoggerFactory;
        SessionLog = factory.CreateLogger(TelnetDiagnostics.SessionCategory);
        NegotiationLog = factory.CreateLogger(TelnetDiagnostics.NegotiationCategory);
    }

    /// <summary>Gets the number log lines call the session by: unique in the process.</summary>
    public long Id { get; }

    public ILogger SessionLog { get; }

    public ILogger NegotiationLog { get; }

    /// <summary>Gets or sets whether the session is a listener's (the server side).</summary>
    public bool IsServer { get; set; }

    public string Side => IsServer ? "server" : "client";

    public void Opened(System.Net.Sockets.Socket? socket)
    {
        if (Interlocked.Exchange(ref _opened, 1) != 0)
        {
            return;
        }

        if (SessionLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.SessionOpened(SessionLog, Id, Side, EndPoints.Local(socket), EndPoints.Remote(socket));
        }
    }

    public void Closed(TelnetCloseReason reason, Exception? error)
    {
        if (Volatile.Read(ref _opened) == 0)
        {
            return;
        }

        TelnetLog.SessionClosed(SessionLog, Id, CloseReasonName(reason), Interlocked.Read(ref _received), Interlocked.Read(ref _sent), error);
    }

    public void Received(byte[] chunk)
    {
        Interlocked.Add(ref _received, chunk.Length);
        if (SessionLog.IsEnabled(LogLevel.Trace))
        {
            TelnetLog.BytesReceived(SessionLog, Id, chunk.Length, Convert.ToHexString(chunk));
        }
    }

    public void Sent(byte[] wire)
    {
        Interlocked.Add(ref _sent, wire.Length);
        if (SessionLog.IsEnabled(LogLevel.Trace))
        {
            TelnetLog.BytesSent(SessionLog, Id, wire.Length, Convert.ToHexString(wire));
        }
    }

    public void Negotiation(TelnetCommand command, NegotiationOutcome outcome)
    {
        if (NegotiationLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.Negotiation(
                NegotiationLog,
                Id,
                VerbName(command.Verb),
                OptionName(outcome.Option),
                outcome.Side == OptionSide.Local ? "local" : "remote",
                outcome.Before.ToString(),
                outcome.After.ToString(),
                outcome.Error == NegotiationError.None ? string.Empty : $" ({outcome.Error})");
        }
    }

    public void OptionChanged(OptionChange change)
    {
        if (NegotiationLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.OptionChanged(NegotiationLog, Id, OptionName(change.Option), change.Enabled ? "enabled" : "disabled", change.Side == OptionSide.Local ? "local" : "remote");
        }
    }

    public void ProtocolWarning(TelnetWarning warning) =>
        TelnetLog.ProtocolWarning(SessionLog, Id, warning.Kind.ToString(), warning.Message);

    public void LimitHit(TelnetBufferLimitExceededException limit) =>
        TelnetLog.LimitHit(SessionLog, Id, limit.LimitName ?? "unknown", limit.Limit, limit.Attempted);

    public long StartTlsStarted(bool asServer)
    {
        TelnetLog.StartTlsStarted(NegotiationLog, Id, asServer ? "server" : "client");
        return System.Diagnostics.Stopwatch.GetTimestamp();
    }

    public void StartTlsEnded(long started, Exception? error)
    {
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        if (error is null)
        {
            TelnetLog.StartTlsCompleted(NegotiationLog, Id, elapsed.TotalMilliseconds);
        }
        else
        {
            TelnetLog.StartTlsFailed(NegotiationLog, Id, elapsed.TotalMilliseconds, ConnectTelemetry.ErrorType(error), error);
        }
    }

    /// <summary>The close reason as the <see cref="TelnetDiagnostics.CloseReasonTag"/> value: snake case.</summary>
    public static string CloseReasonName(TelnetCloseReason reason) => reason switch
    {
        TelnetCloseReason.LocalClose => "local_close",
        TelnetCloseReason.RemoteClose => "remote_close",
        TelnetCloseReason.TransportError => "transport_error",
        TelnetCloseReason.BufferLimitExceeded => "buffer_limit_exceeded",
        TelnetCloseReason.DeadPeer => "dead_peer",
        TelnetCloseReason.SendLimitExceeded => "send_limit_exceeded",
        _ => "none",
    };

    public static string VerbName(TelnetVerb verb) => verb switch
    {
        TelnetVerb.Do => "do",
        TelnetVerb.Dont => "dont",
        TelnetVerb.Will => "will",
        TelnetVerb.Wont => "wont",
        _ => ((byte)verb).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The option's name, or its number when it has none (so the tag's values stay at most 256).</summary>
    public static string OptionName(TelnetOption option) =>
        Enum.IsDefined(option) ? option.ToString() : ((byte)option).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
