namespace RxTelnet.Compat;

using System.Globalization;
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

    /// <summary>
    /// The command side of telnetlib's <c>process_rawq</c> for one connection: tracks IAC sequences and the SB flag
    /// over the raw chunks. The session parses the same chunks for the cooked data.
    /// </summary>
    /// <remarks>
    /// telnetlib handles commands only inside its reads, so a script may set its callback after connecting and still
    /// see the peer's first negotiations. To keep that true although RxTelnet receives eagerly, the chunks that arrive
    /// before the first read are held (raw) and handled by that read, on its thread; later chunks are handled on
    /// arrival, on the receiving thread. The hold is bounded by <see cref="TelnetSessionOptions.MaxBufferedBytes"/>:
    /// past it the held chunks are handled at once.
    /// </remarks>
    private sealed class Connection(Telnet owner, int maxHeldBytes)
    {
        private readonly object _processGate = new();
        private readonly List<byte> _sbPart = [];
        private List<byte[]?>? _held = [];
        private long _heldBytes;
        private int _iacLength;
        private byte _command;
        private bool _inSb;
        private bool _dead;

        /// <summary>Ends this connection's tracking (telnetlib's <c>close</c> resets <c>iacseq</c> and <c>sb</c>; a reopen starts a new tracker).</summary>
        public void Reset() => Volatile.Write(ref _dead, true);

        /// <summary>Handles the held chunks, once: called by every read before it looks at the queue.</summary>
        public void Activate()
        {
            if (Volatile.Read(ref _held) is null)
            {
                return;
            }

            lock (_processGate)
            {
                ReleaseHeld();
            }
        }

        public void OnReceived(byte[] chunk)
        {
            lock (_processGate)
            {
                if (Volatile.Read(ref _dead))
                {
                    return;
                }

                if (_held is { } held)
                {
                    held.Add(chunk);
                    _heldBytes += chunk.Length;
                    if (_heldBytes > maxHeldBytes)
                    {
                        ReleaseHeld();
                    }

                    return;
                }

                Process(chunk);
            }
        }

        public void OnEnd()
        {
            lock (_processGate)
            {
                if (Volatile.Read(ref _dead))
                {
                    return;
                }

                if (_held is { } held)
                {
                    held.Add(null);
                }
                else
                {
                    // telnetlib's fill_rawq prints what recv returned, the empty bytes of end of stream included.
                    owner.Debug("recv b''");
                }
            }
        }

        private void ReleaseHeld()
        {
            // Called under _processGate.
            if (_held is not { } held)
            {
                return;
            }

            Volatile.Write(ref _held, null);
            foreach (var chunk in held)
            {
                if (Volatile.Read(ref _dead))
                {
                    return;
                }

                if (chunk is null)
                {
                    owner.Debug("recv b''");
                }
                else
                {
                    Process(chunk);
                }
            }
        }

        private void Process(byte[] chunk)
        {
            owner.Debug("recv " + PythonRepr.Bytes(chunk));

            // One chunk is one call of telnetlib's process_rawq: its SB bytes are kept aside ("buf[1]") until SE or
            // the end of the chunk.
            _sbPart.Clear();
            foreach (var c in chunk)
            {
                if (Volatile.Read(ref _dead))
                {
                    // Closed from a callback: telnetlib stops here too (its socket is gone).
                    return;
                }

                Step(c);
            }

            owner.AppendSbData(_sbPart);
            _sbPart.Clear();
        }

        private void Step(byte c)
        {
            switch (_iacLength)
            {
                case 0:
                    if (c is TelnetConstants.theNULL or 0x11)
                    {
                        return;
                    }

                    if (c == Iac)
                    {
                        _iacLength = 1;
                    }
                    else if (_inSb)
                    {
                        _sbPart.Add(c);
                    }

                    return;

                case 1:
                    if (c is TelnetConstants.DO or TelnetConstants.DONT or TelnetConstants.WILL or TelnetConstants.WONT)
                    {
                        _command = c;
                        _iacLength = 2;
                        return;
                    }

                    _iacLength = 0;
                    if (c == Iac)
                    {
                        // IAC IAC is a data byte 255; inside SB it belongs to the subnegotiation data.
                        if (_inSb)
                        {
                            _sbPart.Add(c);
                        }

                        return;
                    }

                    OnCommand(c);
                    return;

                default:
                    _iacLength = 0;
                    OnNegotiation(_command, c);
                    return;
            }
        }

        private void OnCommand(byte command)
        {
            if (command == TelnetConstants.SB)
            {
                // RFC 855 subnegotiation begins: unread data of an earlier one is dropped, as telnetlib does.
                _inSb = true;
                owner.ClearSbData();
            }
            else if (command == TelnetConstants.SE)
            {
                _inSb = false;
                owner.AppendSbData(_sbPart);
                _sbPart.Clear();
            }

            if (Volatile.Read(ref owner._optionCallback) is { } callback)
            {
                owner.InvokeCallback(callback, command, TelnetConstants.NOOPT);
            }
            else
            {
                owner.Debug(string.Create(CultureInfo.InvariantCulture, $"IAC {command} not recognized"));
            }
        }

        private void OnNegotiation(byte command, byte option)
        {
            owner.Debug(string.Create(CultureInfo.InvariantCulture, $"IAC {NegotiationName(command)} {option}"));
            if (Volatile.Read(ref owner._optionCallback) is { } callback)
            {
                owner.InvokeCallback(callback, command, option);
                return;
            }

            // telnetlib's default: refuse everything (RFC 854 allows refusing any option).
            var reply = command is TelnetConstants.DO or TelnetConstants.DONT ? TelnetConstants.WONT : TelnetConstants.DONT;
            owner.SendQuietly([Iac, reply, option]);
        }
    }

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
