namespace RxTelnet.Samples.ReactiveUi;

/// <summary>Pure text layout for the output pane: what of a long text fits at the bottom of a box.</summary>
public static class ScreenText
{
    /// <summary>The last <paramref name="height"/> rows of <paramref name="text"/>, lines broken hard at <paramref name="width"/> columns.</summary>
    /// <param name="text">The whole text; lines end with LF.</param>
    /// <param name="width">Columns; at least 1.</param>
    /// <param name="height">Rows; 0 gives an empty string.</param>
    /// <returns>At most <paramref name="height"/> rows joined by LF: the tail of the text, as a terminal scrolled to the end shows it.</returns>
    public static string Tail(string text, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        var rows = new List<string>(height + 1);
        var end = text.Length;
        // Walk lines backwards so a long scrollback costs only what is shown.
        while (rows.Count < height && end >= 0)
        {
            var start = end == 0 ? -1 : text.LastIndexOf('\n', end - 1);
            var line = text[(start + 1)..end];
            var pieces = line.Length == 0 ? 1 : ((line.Length - 1) / width) + 1;
            for (var piece = pieces - 1; piece >= 0 && rows.Count < height; piece--)
            {
                var from = piece * width;
                rows.Add(line.Substring(from, Math.Min(width, line.Length - from)));
            }

            if (start < 0)
            {
                break;
            }

            end = start;
        }

        rows.Reverse();
        return string.Join('\n', rows);
    }
}
