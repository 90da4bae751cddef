namespace RxTelnet.Samples.ReactiveUi;

using System.Text;

/// <summary>
/// Removes ANSI/VT escape sequences (colours, cursor moves, titles) and stray control characters from terminal
/// text, so a plain text view can show it. Pure: the state between chunks is passed in and handed back.
/// </summary>
public static class AnsiText
{
    private const char Esc = '\u001b';
    private const char Bel = '\u0007';
    private const char Csi8 = '\u009b';
    private const char Osc8 = '\u009d';

    /// <summary>The longest unfinished sequence carried to the next chunk; a longer one is dropped as garbage.</summary>
    public const int MaxPending = 4096;

    /// <summary>Strips a whole text.</summary>
    /// <param name="text">Text that may hold escape sequences.</param>
    /// <returns>The text without them; an escape sequence cut off at the end is dropped.</returns>
    public static string Strip(string text) => Strip(text, out _);

    /// <summary>
    /// Strips one chunk of a stream. A sequence the chunk ends in the middle of is not guessed at: it comes back
    /// in <paramref name="pending"/> and the caller puts it in front of the next chunk.
    /// </summary>
    /// <param name="text">The chunk, with what the previous call left pending in front of it.</param>
    /// <param name="pending">The unfinished escape sequence at the end of <paramref name="text"/> (at most <see cref="MaxPending"/> characters), or empty.</param>
    /// <returns>The printable text: escape sequences removed, CR and other C0 controls except LF and TAB dropped.</returns>
    public static string Strip(string text, out string pending)
    {
        ArgumentNullException.ThrowIfNull(text);
        pending = string.Empty;
        if (text.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0 && text.AsSpan().IndexOfAnyInRange('\u007f', '\u009f') < 0)
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is Esc or Csi8 or Osc8)
            {
                var end = SequenceEnd(text, i);
                if (end < 0)
                {
                    pending = text.Length - i <= MaxPending ? text[i..] : string.Empty;
                    break;
                }

                i = end;
                continue;
            }

            if (c is '\n' or '\t' || (c >= ' ' && c != '\u007f' && (c < '\u0080' || c > '\u009f')))
            {
                result.Append(c);
            }

            i++;
        }

        return result.ToString();
    }

    /// <summary>Finds where the sequence starting at <paramref name="start"/> ends (exclusive), or -1 when the text ends first.</summary>
    private static int SequenceEnd(string text, int start)
    {
        int i;
        if (text[start] == Csi8)
        {
            return CsiEnd(text, start + 1);
        }

        if (text[start] == Osc8)
        {
            return StringEnd(text, start + 1);
        }

        i = start + 1;
        if (i >= text.Length)
        {
            return -1;
        }

        var c = text[i];
        switch (c)
        {
            case '[':
                return CsiEnd(text, i + 1);
            case ']' or 'P' or 'X' or '^' or '_':
                // OSC, DCS, SOS, PM, APC: a string up to BEL or ST (ESC \).
                return StringEnd(text, i + 1);
        }

        // ESC, intermediates (0x20-0x2F), one final byte (0x30-0x7E): ESC ( B, ESC 7, ESC =, ...
        while (c is >= ' ' and <= '/')
        {
            if (++i >= text.Length)
            {
                return -1;
            }

            c = text[i];
        }

        // Anything else after ESC is not a sequence: drop the ESC alone and keep the character.
        return c is >= '0' and <= '~' ? i + 1 : i;
    }

    private static int CsiEnd(string text, int i)
    {
        // Parameters 0x30-0x3F and intermediates 0x20-0x2F, then a final byte 0x40-0x7E.
        for (; i < text.Length; i++)
        {
            var c = text[i];
            if (c is >= '@' and <= '~')
            {
                return i + 1;
            }

            if (c is < ' ' or > '?')
            {
                // Malformed: end the sequence before the stray character so it is judged on its own.
                return i;
            }
        }

        return -1;
    }

    private static int StringEnd(string text, int i)
    {
        for (; i < text.Length; i++)
        {
            if (text[i] == Bel || text[i] == '\u009c')
            {
                return i + 1;
            }

            if (text[i] == Esc)
            {
                if (i + 1 >= text.Length)
                {
                    return -1;
                }

                if (text[i + 1] == '\\')
                {
                    return i + 2;
                }
            }
        }

        return -1;
    }
}
