namespace RxTelnet.Compat;

using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using RxTelnet.Session;

/// <content>Option negotiation and subnegotiation data, exactly as telnetlib's <c>process_rawq</c> handles them.</content>
public sealed partial class Telnet
{
    private const byte Iac = TelnetConstants.IAC;

    private readonly object _sbGate = new();
    private readonly List<byte> _sbData = [];
    private Action<Socket?, byte, byte>? _optionCallback;
    private ExceptionDispatchInfo? _callbackError;
    private CancellationTokenSource _callbackFailed = new();

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
    /// <b>When it runs.</b> As in telnetlib, commands are handled from the first read on: what arrives before the first
    /// read (any <c>Read…</c>, <see cref="Expect(IReadOnlyList{System.Text.RegularExpressions.Regex}, TimeSpan?)"/> or
    /// <see cref="Interact()"/>) is held and handled by that read, on its thread, so a callback set right after
    /// connecting still sees the peer's first negotiations. After that, commands are handled as they arrive, on the
    /// receiving thread, before the data of the same chunk reaches the reads (telnetlib, too, queues a chunk's data
    /// after handling its commands). Do not call a blocking read from the callback. An exception it throws is rethrown
    /// by the pending read, or by the next read if none is pending.
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
    /// finished subnegotiation, and the bytes of one still open are appended when the chunk that carried them has been
    /// handled. Read it from the negotiation callback when it is called with <c>SE</c>. Like telnetlib's, it does not
    /// handle received commands itself: before the first read nothing has been handled yet (see
    /// <see cref="SetOptionNegotiationCallback"/>).
    /// </remarks>
    public byte[] ReadSbData()
    {
        lock (_sbGate)
        {
            var data = _sbData.ToArray();
            _sbData.Clear();
            return data;
        }
    }

    private void ThrowIfCallbackFailed()
    {
        ExceptionDispatchInfo? error;
        lock (_gate)
        {
            error = _callbackError;
            _callbackError = null;
            if (error is not null)
            {
                // Not disposed: a read may be linking to its token right now. It holds no timer, so the GC suffices.
                _callbackFailed = new CancellationTokenSource();
            }
        }

        error?.Throw();
    }

    private CancellationToken CallbackFailedToken
    {
        get
        {
            lock (_gate)
            {
                return _callbackFailed.Token;
            }
        }
    }

    private void OnCallbackFailed(Exception error)
    {
        CancellationTokenSource signal;
        lock (_gate)
        {
            if (_callbackError is not null)
            {
                return;
            }

            _callbackError = ExceptionDispatchInfo.Capture(error);
            signal = _callbackFailed;
        }

        signal.Cancel();
    }

    private void InvokeCallback(Action<Socket?, byte, byte> callback, byte command, byte option)
    {
        try
        {
            callback(GetSocket(), command, option);
        }
        catch (Exception ex)
        {
            OnCallbackFailed(ex);
        }
    }

    private static string NegotiationName(byte command) => command switch
    {
        TelnetConstants.DO => "DO",
        TelnetConstants.DONT => "DONT",
        TelnetConstants.WILL => "WILL",
        _ => "WONT",
    };

    private void AppendSbData(List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        lock (_sbGate)
        {
            _sbData.AddRange(bytes);
        }
    }

    private void ClearSbData()
    {
        lock (_sbGate)
        {
            _sbData.Clear();
        }
    }

    private void SendQuietly(byte[] wire)
    {
        if (CurrentSession is not { } session)
        {
            return;
        }

        _ = SendQuietlyAsync(session, wire);
    }

    private static async Task SendQuietlyAsync(TelnetSession session, byte[] wire)
    {
        try
        {
            await session.WriteRawAsync(wire).ConfigureAwait(false);
        }
        catch (TelnetException)
        {
            // A refusal that cannot go out because the connection closed is moot.
        }
        catch (IOException)
        {
            // The transport failed; the reads report it.
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
