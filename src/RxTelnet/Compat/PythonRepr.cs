namespace RxTelnet.Compat;

using System.Globalization;
using System.Text;

/// <summary>Formats values the way Python's <c>repr</c> does, so that debug transcripts read as telnetlib's.</summary>
internal static class PythonRepr
{
    /// <summary>Formats bytes as a Python bytes literal: <c>b'abc\r\n\xff'</c>.</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The literal.</returns>
    public static string Bytes(ReadOnlySpan<byte> data)
    {
        // Python prefers single quotes and switches to double quotes only when that avoids escaping.
        var quote = data.Contains((byte)'\'') && !data.Contains((byte)'"') ? '"' : '\'';
        var sb = new StringBuilder(data.Length + 3);
        sb.Append('b').Append(quote);
        foreach (var b in data)
        {
            switch (b)
            {
                case (byte)'\\':
                    sb.Append(@"\\");
                    break;
                case (byte)'\t':
                    sb.Append(@"\t");
                    break;
                case (byte)'\n':
                    sb.Append(@"\n");
                    break;
                case (byte)'\r':
                    sb.Append(@"\r");
                    break;
                case < 0x20 or >= 0x7f:
                    sb.Append(@"\x").Append(b.ToString("x2", CultureInfo.InvariantCulture));
                    break;
                default:
                    if (b == quote)
                    {
                        sb.Append('\\');
                    }

                    sb.Append((char)b);
                    break;
            }
        }

        return sb.Append(quote).ToString();
    }
}
