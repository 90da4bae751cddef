namespace RxTelnet.Diagnostics;

using System.Diagnostics;

/// <summary>
/// The names RxTelnet reports under: its <see cref="System.Diagnostics.Metrics.Meter"/>, its
/// <see cref="System.Diagnostics.ActivitySource"/>, the instruments and spans, the tags, the logging categories and
/// the logging event ids. Every name here is stable: dashboards, alerts and log queries may depend on it.
/// </summary>
/// <remarks>
/// <para>
/// <b>Logging</b> goes to <see cref="Session.TelnetSessionOptions.LoggerFactory"/> (nothing is logged unless it is
/// set), under the categories <see cref="SessionCategory"/>, <see cref="ListenerCategory"/>,
/// <see cref="NegotiationCategory"/> and <see cref="TransportCategory"/>. Connects, opens and negotiation decisions
/// are logged at <c>Debug</c>, limits hit and protocol warnings at <c>Warning</c>, closes with their reason at
/// <c>Information</c>; received and sent bytes only at <c>Trace</c>.
/// </para>
/// <para>
/// <b>Metrics</b> are recorded on a meter named <see cref="MeterName"/>: one created by
/// <see cref="Session.TelnetSessionOptions.MeterFactory"/> when it is set, a process-wide one otherwise. Instrument
/// names follow OpenTelemetry's conventions (dotted lower case, UCUM units, <c>error.type</c> on failures).
/// </para>
/// <para>
/// <b>Tracing</b>: <see cref="ActivitySource"/> (named <see cref="ActivitySourceName"/>) starts
/// <see cref="ConnectActivityName"/>, <see cref="StartTlsActivityName"/> and <see cref="AcceptActivityName"/>; the
/// telnetlib facade's audit activities (<see cref="Compat.TelnetAudit"/>) come from the same source.
/// </para>
/// </remarks>
public static class TelnetDiagnostics
{
    /// <summary>The name of the meter: "RxTelnet".</summary>
    public const string MeterName = "RxTelnet";

    /// <summary>The name of the activity source: "RxTelnet".</summary>
    public const string ActivitySourceName = "RxTelnet";

    /// <summary>The logging category of sessions (open, close, bytes, protocol warnings, limits): "RxTelnet.Session".</summary>
    public const string SessionCategory = "RxTelnet.Session";

    /// <summary>The logging category of listeners (accept, reject, handshakes): "RxTelnet.Listener".</summary>
    public const string ListenerCategory = "RxTelnet.Listener";

    /// <summary>The logging category of option negotiation (decisions, START-TLS): "RxTelnet.Negotiation".</summary>
    public const string NegotiationCategory = "RxTelnet.Negotiation";

    /// <summary>The logging category of connections (connects, TLS handshakes, transport failures): "RxTelnet.Transport".</summary>
    public const string TransportCategory = "RxTelnet.Transport";

    /// <summary>UpDownCounter, <c>{session}</c>: sessions open now (tag <see cref="SideTag"/>).</summary>
    public const string SessionActiveInstrument = "rxtelnet.session.active";

    /// <summary>Counter, <c>{session}</c>: sessions started (tag <see cref="SideTag"/>).</summary>
    public const string SessionOpenedInstrument = "rxtelnet.session.opened";

    /// <summary>Counter, <c>{session}</c>: sessions closed (tags <see cref="SideTag"/> and <see cref="CloseReasonTag"/>).</summary>
    public const string SessionClosedInstrument = "rxtelnet.session.closed";

    /// <summary>Histogram, <c>s</c>: how long <see cref="Session.TelnetClient.ConnectAsync"/> took to connect (tag <see cref="ErrorTypeTag"/> when it failed).</summary>
    public const string ConnectDurationInstrument = "rxtelnet.connect.duration";

    /// <summary>Histogram, <c>s</c>: how long a START-TLS handshake took (tags <see cref="SideTag"/>, and <see cref="ErrorTypeTag"/> when it failed).</summary>
    public const string StartTlsDurationInstrument = "rxtelnet.starttls.duration";

    /// <summary>Counter, <c>By</c>: bytes received from the transport, before parsing (tag <see cref="SideTag"/>).</summary>
    public const string BytesReceivedInstrument = "rxtelnet.io.received";

    /// <summary>Counter, <c>By</c>: bytes the transport took to send (tag <see cref="SideTag"/>).</summary>
    public const string BytesSentInstrument = "rxtelnet.io.sent";

    /// <summary>Counter, <c>{negotiation}</c>: negotiations received from the peer (tags <see cref="OptionTag"/>, <see cref="VerbTag"/>, <see cref="SideTag"/>).</summary>
    public const string NegotiationsInstrument = "rxtelnet.negotiations";

    /// <summary>Counter, <c>{warning}</c>: malformed input the parser skipped (tags <see cref="WarningTag"/>, <see cref="SideTag"/>).</summary>
    public const string ProtocolWarningsInstrument = "rxtelnet.protocol.warnings";

    /// <summary>Counter, <c>{hit}</c>: limits reached (tag <see cref="LimitTag"/>: <c>MaxBufferedBytes</c>, <c>MaxPendingSendBytes</c>, <c>MaxReadAllBytes</c>, <c>MaxSessions</c>).</summary>
    public const string LimitHitsInstrument = "rxtelnet.limit.hits";

    /// <summary>The span of <see cref="Session.TelnetClient.ConnectAsync"/> (kind Client; tags <c>server.address</c>, <c>server.port</c>).</summary>
    public const string ConnectActivityName = "rxtelnet.connect";

    /// <summary>The span of a START-TLS handshake, from the switch point to TLS established or failed (kind Internal).</summary>
    public const string StartTlsActivityName = "rxtelnet.starttls";

    /// <summary>The span of one accepted connection, from the accept to the session handed to subscribers, TLS handshake included (kind Server).</summary>
    public const string AcceptActivityName = "rxtelnet.accept";

    /// <summary>The tag holding which side a session is: <c>client</c> or <c>server</c> (a listener's session).</summary>
    public const string SideTag = "telnet.side";

    /// <summary>The tag holding why a session closed: <c>local_close</c>, <c>remote_close</c>, <c>transport_error</c>, <c>buffer_limit_exceeded</c>, <c>dead_peer</c>, <c>send_limit_exceeded</c>.</summary>
    public const string CloseReasonTag = "telnet.close.reason";

    /// <summary>The tag holding the option of a negotiation (its name, or its number when it has none).</summary>
    public const string OptionTag = "telnet.option";

    /// <summary>The tag holding the verb of a negotiation: <c>do</c>, <c>dont</c>, <c>will</c>, <c>wont</c>.</summary>
    public const string VerbTag = "telnet.verb";

    /// <summary>The tag holding the kind of a protocol warning (a <see cref="Protocol.TelnetWarningKind"/> name).</summary>
    public const string WarningTag = "telnet.warning";

    /// <summary>The tag holding the name of a limit reached.</summary>
    public const string LimitTag = "telnet.limit";

    /// <summary>The tag holding the type of the exception a measured operation failed with (OpenTelemetry's <c>error.type</c>).</summary>
    public const string ErrorTypeTag = "error.type";

    /// <summary>Event id 1000 (Debug): a connect starts.</summary>
    public const int ConnectingEventId = 1000;

    /// <summary>Event id 1001 (Debug): a connect succeeded.</summary>
    public const int ConnectedEventId = 1001;

    /// <summary>Event id 1002 (Information): a connect failed.</summary>
    public const int ConnectFailedEventId = 1002;

    /// <summary>Event id 1010 (Debug): a session started receiving.</summary>
    public const int SessionOpenedEventId = 1010;

    /// <summary>Event id 1011 (Information): a session closed, with the reason.</summary>
    public const int SessionClosedEventId = 1011;

    /// <summary>Event id 1020 (Debug): a negotiation received and what it changed (the decision).</summary>
    public const int NegotiationEventId = 1020;

    /// <summary>Event id 1021 (Debug): an option turned on or off.</summary>
    public const int OptionChangedEventId = 1021;

    /// <summary>Event id 1030 (Warning): the parser skipped malformed input.</summary>
    public const int ProtocolWarningEventId = 1030;

    /// <summary>Event id 1031 (Warning): a limit was reached.</summary>
    public const int LimitHitEventId = 1031;

    /// <summary>Event id 1040 (Debug): a START-TLS handshake starts.</summary>
    public const int StartTlsStartedEventId = 1040;

    /// <summary>Event id 1041 (Debug): a START-TLS handshake succeeded.</summary>
    public const int StartTlsCompletedEventId = 1041;

    /// <summary>Event id 1042 (Warning): a START-TLS handshake failed.</summary>
    public const int StartTlsFailedEventId = 1042;

    /// <summary>Event id 1050 (Debug): a listener started.</summary>
    public const int ListenerStartedEventId = 1050;

    /// <summary>Event id 1051 (Debug): a listener accepted a connection.</summary>
    public const int ConnectionAcceptedEventId = 1051;

    /// <summary>Event id 1052 (Warning): a TLS client failed its handshake (or took too long) and got no session.</summary>
    public const int TlsHandshakeFailedEventId = 1052;

    /// <summary>Event id 1053 (Debug): a listener stopped.</summary>
    public const int ListenerStoppedEventId = 1053;

    /// <summary>Event id 1060 (Trace): bytes received, in hex.</summary>
    public const int BytesReceivedEventId = 1060;

    /// <summary>Event id 1061 (Trace): bytes sent, in hex.</summary>
    public const int BytesSentEventId = 1061;

    /// <summary>Gets the activity source of RxTelnet's spans.</summary>
    public static ActivitySource ActivitySource { get; } = new(ActivitySourceName, typeof(TelnetDiagnostics).Assembly.GetName().Version?.ToString());
}
