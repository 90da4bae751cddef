namespace RxTelnet.Options;

using RxTelnet.Protocol;

/// <summary>
/// The client side of LINEMODE's local editing (RFC 1184): keys in, what to send and what to echo out. With
/// <see cref="LinemodeModes.Edit"/> keys are collected into a line, edited with the SLC characters (erase character,
/// word and line, reprint, literal next) and sent whole, with CR LF, at a line end or a forwarding character; without
/// it every key is sent as typed. With <see cref="LinemodeModes.TrapSig"/> the interrupt characters become Telnet
/// commands (IP, AO, AYT, ABORT, SUSP, and EOF after the line so far). Pure: no I/O, no time, not thread-safe.
/// </summary>
public sealed class LineEditor
{
    /// <summary>The longest line kept: past it, what is collected is sent as it is, so typing never grows memory without bound.</summary>
    public const int MaxLineLength = 4096;

    private readonly List<byte> _line = [];
    private bool _literalNext;
    private bool _afterCr;

    /// <summary>Gets the line being edited (not sent yet).</summary>
    public IReadOnlyList<byte> Pending => _line;

    /// <summary>Edits <paramref name="keys"/> under <paramref name="mode"/> and <paramref name="slc"/>.</summary>
    /// <param name="keys">What the user typed.</param>
    /// <param name="mode">The mode the server set.</param>
    /// <param name="slc">The characters both ends agreed on.</param>
    /// <param name="send">Receives what to send, in order: data (not yet IAC-escaped) and commands.</param>
    /// <param name="echo">Receives what to show the user, when editing locally.</param>
    /// <exception cref="ArgumentNullException"><paramref name="slc"/>, <paramref name="send"/> or <paramref name="echo"/> is null.</exception>
    public void Type(ReadOnlySpan<byte> keys, LinemodeModes mode, SlcTable slc, List<LineEditorOutput> send, List<byte> echo)
    {
        ArgumentNullException.ThrowIfNull(slc);
        ArgumentNullException.ThrowIfNull(send);
        ArgumentNullException.ThrowIfNull(echo);
        var edit = (mode & LinemodeModes.Edit) != 0;
        var trap = (mode & LinemodeModes.TrapSig) != 0;
        foreach (var key in keys)
        {
            if (_literalNext)
            {
                _literalNext = false;
                Append(key, edit, send, echo);
                continue;
            }

            if (trap && Signal(key, slc) is { } signal)
            {
                if (signal == TelnetVerb.EndOfFile && edit)
                {
                    // EOF ends the line so far, then says so.
                    Flush(send);
                }
                else if (signal is TelnetVerb.InterruptProcess or TelnetVerb.Abort or TelnetVerb.Suspend)
                {
                    // These flush what was typed (SLC_FLUSHIN).
                    _line.Clear();
                }

                send.Add(LineEditorOutput.Command(signal));
                continue;
            }

            if (!edit)
            {
                send.Add(LineEditorOutput.Data([key]));
                continue;
            }

            if (key == slc[SlcFunction.LiteralNext])
            {
                _literalNext = true;
            }
            else if (key == slc[SlcFunction.EraseCharacter] || (key == 0x08 && slc[SlcFunction.EraseCharacter] is null))
            {
                if (_line.Count > 0)
                {
                    _line.RemoveAt(_line.Count - 1);
                    echo.AddRange("\b \b"u8);
                }
            }
            else if (key == slc[SlcFunction.EraseWord])
            {
                var end = _line.Count;
                while (end > 0 && _line[end - 1] == (byte)' ')
                {
                    end--;
                }

                while (end > 0 && _line[end - 1] != (byte)' ')
                {
                    end--;
                }

                Erase(_line.Count - end, echo);
            }
            else if (key == slc[SlcFunction.EraseLine])
            {
                Erase(_line.Count, echo);
            }
            else if (key == slc[SlcFunction.Reprint])
            {
                echo.AddRange("\r\n"u8);
                echo.AddRange(_line);
            }
            else if (key is (byte)'\r' or (byte)'\n')
            {
                if (key == (byte)'\n' && _afterCr)
                {
                    // CR LF typed as one line end.
                    _afterCr = false;
                    continue;
                }

                _afterCr = key == (byte)'\r';
                _line.AddRange("\r\n"u8);
                echo.AddRange("\r\n"u8);
                Flush(send);
                continue;
            }
            else if (key == slc[SlcFunction.Forward1] || key == slc[SlcFunction.Forward2])
            {
                _line.Add(key);
                Flush(send);
            }
            else
            {
                Append(key, edit, send, echo);
            }

            _afterCr = false;
        }
    }

    /// <summary>Sends what is collected (when the server leaves LINEMODE, say) and starts a new line.</summary>
    /// <param name="send">Receives the data, if any.</param>
    public void Flush(List<LineEditorOutput> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        if (_line.Count > 0)
        {
            send.Add(LineEditorOutput.Data([.. _line]));
            _line.Clear();
        }
    }

    private static TelnetVerb? Signal(byte key, SlcTable slc) =>
        key == slc[SlcFunction.InterruptProcess] ? TelnetVerb.InterruptProcess
        : key == slc[SlcFunction.AbortOutput] ? TelnetVerb.AbortOutput
        : key == slc[SlcFunction.AreYouThere] ? TelnetVerb.AreYouThere
        : key == slc[SlcFunction.Abort] ? TelnetVerb.Abort
        : key == slc[SlcFunction.Suspend] ? TelnetVerb.Suspend
        : key == slc[SlcFunction.EndOfFile] ? TelnetVerb.EndOfFile
        : key == slc[SlcFunction.Break] ? TelnetVerb.Break
        : null;

    private void Append(byte key, bool edit, List<LineEditorOutput> send, List<byte> echo)
    {
        if (!edit)
        {
            send.Add(LineEditorOutput.Data([key]));
            return;
        }

        _line.Add(key);
        echo.Add(key);
        if (_line.Count >= MaxLineLength)
        {
            Flush(send);
        }
    }

    private void Erase(int count, List<byte> echo)
    {
        for (var i = 0; i < count; i++)
        {
            echo.AddRange("\b \b"u8);
        }

        _line.RemoveRange(_line.Count - count, count);
    }
}

/// <summary>One thing a <see cref="LineEditor"/> sends: data, or a Telnet command.</summary>
/// <param name="Bytes">The data (not IAC-escaped), or empty for a command.</param>
/// <param name="Verb">The command, or null for data.</param>
public readonly record struct LineEditorOutput(byte[] Bytes, TelnetVerb? Verb)
{
    /// <summary>Creates data to send.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The output.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="bytes"/> is null.</exception>
    public static LineEditorOutput Data(byte[] bytes) => new(bytes ?? throw new ArgumentNullException(nameof(bytes)), null);

    /// <summary>Creates a command to send.</summary>
    /// <param name="verb">The command.</param>
    /// <returns>The output.</returns>
    public static LineEditorOutput Command(TelnetVerb verb) => new([], verb);
}
