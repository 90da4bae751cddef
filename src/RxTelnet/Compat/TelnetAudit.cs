namespace RxTelnet.Compat;

using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

/// <summary>
/// The audit events of <see cref="Telnet"/>: what telnetlib raises through <c>sys.audit</c>
/// (<c>telnetlib.Telnet.open</c> and <c>telnetlib.Telnet.write</c>), raised on a <see cref="System.Diagnostics.DiagnosticListener"/>
/// and traced on an <see cref="System.Diagnostics.ActivitySource"/>, both named <see cref="SourceName"/>.
/// </summary>
/// <remarks>
/// <list type="table"><listheader><term>Event</term><description>Raised</description></listheader>
/// <item><term><see cref="OpenEventName"/></term><description>by <see cref="Telnet.Open"/> before it connects: a <see cref="TelnetOpenAuditEvent"/> (telnetlib's <c>self, host, port</c>); the activity spans the connect, with tags <see cref="HostTag"/> and <see cref="PortTag"/></description></item>
/// <item><term><see cref="WriteEventName"/></term><description>by <see cref="Telnet.Write"/> (and <see cref="Telnet.WriteRaw"/>, <see cref="Telnet.SendCommand(Protocol.TelnetVerb)"/>) before it sends: a <see cref="TelnetWriteAuditEvent"/> with the bytes as they go on the wire, IAC already doubled (telnetlib's <c>self, buffer</c>); the activity has the tag <see cref="BufferTag"/></description></item>
/// </list>
/// The diagnostic listener calls its subscribers synchronously on the calling thread, like an audit hook; a subscriber
/// that throws makes the call fail, as an audit hook that raises does in Python. Replies the connection sends on its
/// own (option refusals) are not audited, as in telnetlib.
/// </remarks>
public static class TelnetAudit
{
    /// <summary>The name of <see cref="ActivitySource"/> and <see cref="DiagnosticListener"/>: "RxTelnet".</summary>
    public const string SourceName = "RxTelnet";

    /// <summary>The event raised by <see cref="Telnet.Open"/>: "RxTelnet.Telnet.Open".</summary>
    public const string OpenEventName = "RxTelnet.Telnet.Open";

    /// <summary>The event raised by <see cref="Telnet.Write"/>: "RxTelnet.Telnet.Write".</summary>
    public const string WriteEventName = "RxTelnet.Telnet.Write";

    /// <summary>The activity tag holding the host of an open.</summary>
    public const string HostTag = "server.address";

    /// <summary>The activity tag holding the port of an open.</summary>
    public const string PortTag = "server.port";

    /// <summary>The activity tag holding the bytes of a write (a byte array).</summary>
    public const string BufferTag = "telnet.buffer";

    /// <summary>Gets the activity source that traces opens and writes: RxTelnet's one source, <see cref="Diagnostics.TelnetDiagnostics.ActivitySource"/>.</summary>
    public static ActivitySource ActivitySource => Diagnostics.TelnetDiagnostics.ActivitySource;

    /// <summary>Gets the diagnostic listener that raises the audit events with their payloads.</summary>
    public static DiagnosticListener DiagnosticListener { get; } = new(SourceName);

    /// <summary>
    /// Why the audit writes are trim- and AOT-safe: <see cref="DiagnosticSource.Write{T}(string, T)"/> keeps the public
    /// properties of <c>T</c> (its parameter is annotated with <c>DynamicallyAccessedMembers(PublicProperties)</c>),
    /// and <c>T</c> is the exact, sealed payload record, so no derived type's properties can be missing. What the
    /// warning is left about, properties of the property values (<see cref="Telnet"/>, a <see cref="ReadOnlyMemory{T}"/>),
    /// is not part of the event's contract: a subscriber gets those as objects and uses them as such.
    /// </summary>
    private const string WriteIsTrimSafe =
        "T is the sealed payload record, whose public properties Write<T> keeps; their values are handed over as objects, not reflected over.";

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = WriteIsTrimSafe)]
    internal static void RaiseOpen(Telnet telnet, string host, int port)
    {
        if (DiagnosticListener.IsEnabled(OpenEventName))
        {
            DiagnosticListener.Write(OpenEventName, new TelnetOpenAuditEvent(telnet, host, port));
        }
    }

    [UnconditionalSuppressMessage("Trimming", "IL2026:RequiresUnreferencedCode", Justification = WriteIsTrimSafe)]
    internal static void RaiseWrite(Telnet telnet, byte[] wire)
    {
        if (DiagnosticListener.IsEnabled(WriteEventName))
        {
            DiagnosticListener.Write(WriteEventName, new TelnetWriteAuditEvent(telnet, wire));
        }
    }
}

/// <summary>The payload of <see cref="TelnetAudit.OpenEventName"/>: telnetlib's <c>telnetlib.Telnet.open</c> arguments.</summary>
/// <param name="Telnet">The instance that opens.</param>
/// <param name="Host">The host it connects to.</param>
/// <param name="Port">The port it connects to (23 when 0 was given).</param>
public sealed record TelnetOpenAuditEvent(Telnet Telnet, string Host, int Port);

/// <summary>The payload of <see cref="TelnetAudit.WriteEventName"/>: telnetlib's <c>telnetlib.Telnet.write</c> arguments.</summary>
/// <param name="Telnet">The instance that writes.</param>
/// <param name="Buffer">The bytes as they go on the wire (IAC doubled for <see cref="Telnet.Write"/>).</param>
public sealed record TelnetWriteAuditEvent(Telnet Telnet, ReadOnlyMemory<byte> Buffer);
