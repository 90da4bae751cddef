namespace RxTelnet.Compat;

using System.Globalization;
using RxTelnet.Session;

/// <content>The per-connection tracker of received commands: telnetlib's <c>process_rawq</c>, command side.</content>
public sealed partial class Telnet
{
    /// <summary>
    /// The command side of telnetlib's <c>process_rawq</c> for one connection: tracks IAC sequences and the SB flag
    /// over the raw chunks. The session parses the same chunks for the cooked data.
    /// </summary>
    /// <remarks>
    /// telnetlib handles commands only inside its reads, so a script may set its callback after connecting and still
    /// see the peer's first negotiations. To keep that true although RxTelnet receives eagerly, the chunks that arrive
    /// before the first read are held (raw) and handled by that read, on its thread; later chunks are handled on
    /// arrival, on the receiving thread. The hold is bounded by <see cref="TelnetSessionOptions.MaxBufferedBytes"/>:
    /// past it the held chunks are handled at once. One subnegotiation's data is bounded by
    /// <see cref="RxTelnet.Protocol.TelnetParserOptions.MaxSubnegotiationLength"/>, as the session's parser bounds it: a longer one is
    /// discarded up to its <c>IAC SE</c> (the session reports it as a warning on its events), never truncated.
    /// </remarks>
    private sealed class Connection(Telnet owner, int maxHeldBytes, int maxSubnegotiationLength)
    {
        private readonly object _processGate = new();
        private readonly List<byte> _sbPart = [];
        private List<byte[]?>? _held = [];
        private long _heldBytes;
        private int _iacLength;
        private byte _command;
        private bool _inSb;
        private int _sbLength;
        private bool _sbOverflow;
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
                        AddSbByte(c);
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
                            AddSbByte(c);
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
                _sbLength = 0;
                _sbOverflow = false;
                owner.ClearSbData();
            }
            else if (command == TelnetConstants.SE)
            {
                _inSb = false;
                _sbOverflow = false;
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

        private void AddSbByte(byte c)
        {
            if (_sbOverflow)
            {
                return;
            }

            if (++_sbLength > maxSubnegotiationLength)
            {
                // Hostile or broken input: drop the whole subnegotiation rather than hand out a truncated one.
                _sbOverflow = true;
                _sbPart.Clear();
                owner.ClearSbData();
                owner.Debug(string.Create(CultureInfo.InvariantCulture, $"subnegotiation longer than {maxSubnegotiationLength} bytes discarded"));
                return;
            }

            _sbPart.Add(c);
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
}
