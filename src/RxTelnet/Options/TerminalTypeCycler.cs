namespace RxTelnet.Options;

/// <summary>
/// Answers repeated TERMINAL-TYPE <c>SEND</c>s by walking a list of names, as RFC 1091 §5 describes: each SEND gets
/// the next name; when the list is exhausted the last name is sent a second time, which tells the server it has
/// seen them all.
/// </summary>
/// <remarks>
/// <para>
/// After that repeat, the next SEND starts the list again from the top (the reading of RFC 1091 that libtelnet and
/// MTTS follow), so a server that saw the whole list can cycle back to the type it prefers. Pass
/// <c>restartAfterEnd: false</c> to keep repeating the last name instead.
/// </para>
/// <para>For <c>["ANSI", "VT100"]</c> the answers are ANSI, VT100, VT100, ANSI, VT100, VT100, ...</para>
/// <para>Not thread-safe: one cycler belongs to one connection's receive path.</para>
/// </remarks>
public sealed class TerminalTypeCycler
{
    private readonly string[] _names;
    private readonly bool _restartAfterEnd;
    private int _position;

    /// <summary>Creates a cycler.</summary>
    /// <param name="names">The terminal types, most preferred first; printable ASCII.</param>
    /// <param name="restartAfterEnd">Whether the SEND after the repeated last name starts over at the first name.</param>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty or holds an invalid name.</exception>
    public TerminalTypeCycler(IEnumerable<string> names, bool restartAfterEnd = true)
    {
        ArgumentNullException.ThrowIfNull(names);
        _names = names.ToArray();
        if (_names.Length == 0)
        {
            throw new ArgumentException("At least one terminal type is needed.", nameof(names));
        }

        foreach (var name in _names)
        {
            TerminalType.ValidateName(name, nameof(names));
        }

        _restartAfterEnd = restartAfterEnd;
    }

    /// <summary>Gets the names, in the order they are sent.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>Gets the name sent last, or <see langword="null"/> before the first <see cref="Next"/>.</summary>
    public string? Current { get; private set; }

    /// <summary>Returns the name that answers the next <c>SEND</c> and advances.</summary>
    /// <returns>The terminal type to send.</returns>
    public string Next()
    {
        if (_position < _names.Length)
        {
            Current = _names[_position++];
            return Current;
        }

        // The list is exhausted: repeat the last name so the server sees the same type twice in a row.
        if (_restartAfterEnd)
        {
            _position = 0;
        }

        Current = _names[^1];
        return Current;
    }

    /// <summary>Returns the <c>IS</c> payload that answers the next <c>SEND</c> and advances.</summary>
    /// <returns>The payload for <c>IAC SB TERMINAL-TYPE ... IAC SE</c>.</returns>
    public byte[] NextIsPayload() => TerminalType.EncodeIs(Next());

    /// <summary>Starts over at the first name, for example when the option is negotiated again.</summary>
    public void Reset()
    {
        _position = 0;
        Current = null;
    }
}
