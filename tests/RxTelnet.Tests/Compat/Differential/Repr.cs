namespace RxTelnet.Tests.Compat.Differential;

using System.Globalization;
using System.Text;

/// <summary>Python-style text for bytes, timeouts and commands, so that a mismatch reads like telnetlib's values.</summary>
internal static class Repr
{
    /// <summary>Renders <paramref name="data"/> as a Python bytes literal (b'...'), long runs shortened.</summary>
    public static string Bytes(ReadOnlySpan<byte> data)
    {
        var builder = new StringBuilder("b'");
        var i = 0;
        while (i < data.Length)
        {
            var run = 1;
            while (i + run < data.Length && data[i + run] == data[i])
            {
                run++;
            }

            if (run >= 8)
            {
                builder.Append('\'').Append(CultureInfo.InvariantCulture, $" + b'{Byte(data[i])}' * {run} + b'");
            }
            else
            {
                for (var k = 0; k < run; k++)
                {
                    builder.Append(Byte(data[i]));
                }
            }

            i += run;
        }

        return builder.Append('\'').ToString().Replace("b'' + ", string.Empty, StringComparison.Ordinal).Replace(" + b''", string.Empty, StringComparison.Ordinal);
    }

    public static string Timeout(long? ticks) => ticks is { } t ? t.ToString(CultureInfo.InvariantCulture) : "None";

    public static string Command(int command) => command switch
    {
        255 => "IAC",
        254 => "DONT",
        253 => "DO",
        252 => "WONT",
        251 => "WILL",
        250 => "SB",
        240 => "SE",
        _ => command.ToString(CultureInfo.InvariantCulture),
    };

    private static string Byte(byte b) => b switch
    {
        (byte)'\\' => @"\\",
        (byte)'\'' => @"\'",
        (byte)'\r' => @"\r",
        (byte)'\n' => @"\n",
        (byte)'\t' => @"\t",
        >= 0x20 and < 0x7f => ((char)b).ToString(),
        _ => string.Create(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
    };
}
