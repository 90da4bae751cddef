namespace RxTelnet.Compat;

using System.Net.Sockets;

/// <content>Option negotiation and subnegotiation data, exactly as telnetlib's <c>process_rawq</c> handles them.</content>
public sealed partial class Telnet
{
    private Action<Socket?, byte, byte>? _optionCallback;

    /// <summary>
    /// Sets the callback that receives every Telnet command instead of the default handling (telnetlib's
    /// <c>set_option_negotiation_callback</c>).
    /// </summary>
    /// <param name="callback">
    /// Called as <c>callback(socket, command, option)</c>: the socket of <see cref="GetSocket"/> (null over a transport
    /// without one), the command byte and the option byte. Null restores the default handling.
    /// </param>
    /// <remarks>
    /// <list type="table"><listheader><term>Received</term><description>With a callback / without</description></listheader>
    /// <item><term><c>IAC DO/DONT opt</c></term><description><c>callback(sock, DO/DONT, opt)</c> / replies <c>IAC WONT opt</c></description></item>
    /// <item><term><c>IAC WILL/WONT opt</c></term><description><c>callback(sock, WILL/WONT, opt)</c> / replies <c>IAC DONT opt</c></description></item>
    /// <item><term><c>IAC SB</c></term><description>clears the subnegotiation data, then <c>callback(sock, SB, NOOPT)</c> / debug message <c>IAC 250 not recognized</c></description></item>
    /// <item><term><c>IAC SE</c></term><description>appends the subnegotiation bytes to <see cref="ReadSbData"/>'s queue, then <c>callback(sock, SE, NOOPT)</c> (read them there) / debug message</description></item>
    /// <item><term>any other <c>IAC cmd</c></term><description><c>callback(sock, cmd, NOOPT)</c> / debug message <c>IAC cmd not recognized</c></description></item>
    /// </list>
    /// <para>
    /// With a callback set, nothing is sent automatically: answer through <see cref="WriteRaw"/> (or the socket, as
    /// telnetlib scripts do).
    /// </para>
    /// <para>
    /// <b>When it runs.</b> As in telnetlib, inside <see cref="ProcessRawq"/>, which every read calls: on the reading
    /// thread, at the moment the read processes the bytes of the command, before the data that follows it reaches the
    /// cooked queue. Do not call a read from the callback (reads run one at a time). An exception it throws propagates
    /// out of that read, and the data cooked so far by that <c>process_rawq</c> call is lost, as in telnetlib.
    /// </para>
    /// </remarks>
    public void SetOptionNegotiationCallback(Action<Socket?, byte, byte>? callback) =>
        Volatile.Write(ref _optionCallback, callback);

    /// <summary>
    /// Returns and clears the subnegotiation data received so far (telnetlib's <c>read_sb_data</c>); never waits.
    /// </summary>
    /// <returns>The bytes received between <c>IAC SB</c> and <c>IAC SE</c>, or an empty array.</returns>
    /// <remarks>
    /// As in telnetlib, the bytes are everything after <c>IAC SB</c>, the option byte included, with <c>IAC IAC</c>
    /// unescaped and NUL and 0x11 dropped. Each <c>IAC SB</c> discards data not yet read; each <c>IAC SE</c> appends the
    /// finished subnegotiation, and the bytes of one still open are appended at the end of the <c>process_rawq</c> call
    /// that saw them. Read it from the negotiation callback when it is called with <c>SE</c>. It does no I/O and
    /// processes nothing. The data is bounded by <see cref="Protocol.TelnetParserOptions.MaxSubnegotiationLength"/>: past
    /// it, the data is discarded (with a debug message) rather than kept without bound.
    /// </remarks>
    public byte[] ReadSbData()
    {
        lock (_gate)
        {
            var data = _sbdataq.TakeAll();
            return data;
        }
    }

    /// <summary>
    /// Sends a refusal from <c>process_rawq</c>, as telnetlib's <c>self.sock.sendall</c> there: queued in order with the
    /// writes; it fails the read only when there is no connection (telnetlib: <c>AttributeError</c>).
    /// </summary>
    private void SendRefusal(byte[] wire)
    {
        var sent = RequireSocket().SendAsync(wire, CancellationToken.None);

        // A refusal that cannot go out is moot: the connection failed or closed, which the reads and writes report.
        _ = sent.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
