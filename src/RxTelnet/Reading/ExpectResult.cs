namespace RxTelnet;

using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>
/// What an expect returns: telnetlib's <c>(index, match, text)</c> triple, with the bytes read.
/// </summary>
/// <remarks>
/// <see cref="Index"/> is -1 and <see cref="Match"/> null when no pattern matched (timeout, or end of stream with
/// data left), as telnetlib returns <c>(-1, None, text)</c>. The match runs over the bytes as Latin-1 chars
/// (byte <c>b</c> is char <c>b</c>), so <c>Match.Value</c> maps back to bytes with <see cref="Encoding.Latin1"/>.
/// </remarks>
public sealed class ExpectResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="index">The index of the pattern that matched, or -1.</param>
    /// <param name="match">The match; null exactly when <paramref name="index"/> is -1.</param>
    /// <param name="data">The bytes read, up to and including the match; the result keeps the array.</param>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is less than -1.</exception>
    /// <exception cref="ArgumentException"><paramref name="match"/> is null with an index of 0 or more, or set with -1.</exception>
    public ExpectResult(int index, Match? match, byte[] data)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, -1);
        ArgumentNullException.ThrowIfNull(data);
        if (index >= 0 != match is not null)
        {
            throw new ArgumentException("A match goes with a pattern index of 0 or more, and no match with -1.", nameof(match));
        }

        Index = index;
        Match = match;
        Data = data;
    }

    /// <summary>Gets the index of the pattern that matched in the list given, or -1 when none did.</summary>
    public int Index { get; }

    /// <summary>
    /// Gets the match, over the bytes read as Latin-1 chars; null when no pattern matched. Its <c>Index</c> counts from
    /// the start of <see cref="Data"/> unless more than about twice the session's <c>MaxMatchLength</c> unmatched bytes
    /// came before it, when it counts from the first char the matcher kept (use <c>Data.Length - Match.Length</c>
    /// for the position in <see cref="Data"/>).
    /// </summary>
    public Match? Match { get; }

    /// <summary>Gets the bytes read: up to and including the match, or everything read when no pattern matched.</summary>
    public byte[] Data { get; }

    /// <summary>Gets whether a pattern matched.</summary>
    [MemberNotNullWhen(true, nameof(Match))]
    public bool IsMatch => Match is not null;

    /// <summary>Splits the result into telnetlib's triple.</summary>
    /// <param name="index">The pattern index, or -1.</param>
    /// <param name="match">The match, or null.</param>
    /// <param name="data">The bytes read.</param>
    public void Deconstruct(out int index, out Match? match, out byte[] data)
    {
        index = Index;
        match = Match;
        data = Data;
    }

    /// <summary>Formats the result like telnetlib's tuple, with the data as Latin-1 text.</summary>
    /// <returns>For example <c>(0, "login: ", "Welcome\r\nlogin: ")</c>.</returns>
    public override string ToString() =>
        $"({Index}, {(Match is null ? "None" : Quote(Match.Value))}, {Quote(Encoding.Latin1.GetString(Data))})";

    internal static string Quote(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            _ = c switch
            {
                '\r' => builder.Append(@"\r"),
                '\n' => builder.Append(@"\n"),
                '\t' => builder.Append(@"\t"),
                '"' => builder.Append("\\\""),
                '\\' => builder.Append(@"\\"),
                < ' ' or (>= '\x7f' and <= '\xa0') => builder.Append(@"\x").Append(((int)c).ToString("x2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => builder.Append(c),
            };
        }

        return builder.Append('"').ToString();
    }
}

/// <summary>
/// What a text expect returns: the index of the pattern that matched, the match, and the decoded text read.
/// </summary>
/// <remarks>
/// <see cref="Index"/> is -1 and <see cref="Match"/> null when no pattern matched (timeout, or end of stream with
/// text left), as telnetlib returns <c>(-1, None, text)</c>.
/// </remarks>
public sealed class ExpectTextResult
{
    /// <summary>Creates a result.</summary>
    /// <param name="index">The index of the pattern that matched, or -1.</param>
    /// <param name="match">The match; null exactly when <paramref name="index"/> is -1.</param>
    /// <param name="text">The text read, up to and including the match.</param>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is less than -1.</exception>
    /// <exception cref="ArgumentException"><paramref name="match"/> is null with an index of 0 or more, or set with -1.</exception>
    public ExpectTextResult(int index, Match? match, string text)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(index, -1);
        ArgumentNullException.ThrowIfNull(text);
        if (index >= 0 != match is not null)
        {
            throw new ArgumentException("A match goes with a pattern index of 0 or more, and no match with -1.", nameof(match));
        }

        Index = index;
        Match = match;
        Text = text;
    }

    /// <summary>Gets the index of the pattern that matched in the list given, or -1 when none did.</summary>
    public int Index { get; }

    /// <summary>Gets the match over the decoded text; null when no pattern matched.</summary>
    public Match? Match { get; }

    /// <summary>Gets the text read: up to and including the match, or everything read when no pattern matched.</summary>
    public string Text { get; }

    /// <summary>Gets whether a pattern matched.</summary>
    [MemberNotNullWhen(true, nameof(Match))]
    public bool IsMatch => Match is not null;

    /// <summary>Splits the result into telnetlib's triple.</summary>
    /// <param name="index">The pattern index, or -1.</param>
    /// <param name="match">The match, or null.</param>
    /// <param name="text">The text read.</param>
    public void Deconstruct(out int index, out Match? match, out string text)
    {
        index = Index;
        match = Match;
        text = Text;
    }

    /// <summary>Formats the result like telnetlib's tuple.</summary>
    /// <returns>For example <c>(0, "login: ", "Welcome\r\nlogin: ")</c>.</returns>
    public override string ToString() =>
        $"({Index}, {(Match is null ? "None" : ExpectResult.Quote(Match.Value))}, {ExpectResult.Quote(Text)})";
}
