namespace RxTelnet.Tests.Protocol;

using System.Globalization;
using RxTelnet.Protocol;

/// <summary>
/// One golden vector, libtelnet's <c>test/*.input</c> + <c>*.txt</c> format: the input is text where <c>%XX</c>
/// is a byte in hex, line ends are not part of the stream, lines starting with <c>#</c> are comments and
/// <c>#!</c> lines set parser options (<c>telnetlib</c>, <c>no-collapse-cr-nul</c>, <c>max-sb N</c>); the
/// expected transcript has one <see cref="Transcript"/> line per event, adjacent data merged.
/// </summary>
/// <remarks>Trailing white space on an input line is ignored (editors strip it); write <c>%20</c> instead.</remarks>
public sealed class GoldenVector
{
    private GoldenVector(string name, byte[] input, TelnetParserOptions options, IReadOnlyList<string> expected)
    {
        Name = name;
        Input = input;
        Options = options;
        Expected = expected;
    }

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "Vectors");

    public string Name { get; }

    public byte[] Input { get; }

    public TelnetParserOptions Options { get; }

    public IReadOnlyList<string> Expected { get; }

    public static IEnumerable<string> Names() =>
        System.IO.Directory.EnumerateFiles(Directory, "*.input")
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Order(StringComparer.Ordinal);

    public static GoldenVector Load(string name)
    {
        var bytes = new List<byte>();
        var options = TelnetParserOptions.Default;
        foreach (var rawLine in File.ReadAllLines(Path.Combine(Directory, name + ".input")))
        {
            var line = rawLine.TrimEnd();
            if (line.StartsWith("#!", StringComparison.Ordinal))
            {
                options = ApplyDirective(options, line[2..].Trim());
            }
            else if (!line.StartsWith('#'))
            {
                bytes.AddRange(DecodeEscapes(line));
            }
        }

        var expected = File.ReadAllLines(Path.Combine(Directory, name + ".txt"))
            .Where(l => l.Length > 0)
            .ToArray();
        return new GoldenVector(name, [.. bytes], options, expected);
    }

    public override string ToString() => Name;

    private static TelnetParserOptions ApplyDirective(TelnetParserOptions options, string directive)
    {
        var parts = directive.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return parts switch
        {
            ["telnetlib"] => TelnetParserOptions.Telnetlib,
            ["no-collapse-cr-nul"] => options with { CollapseCrNul = false },
            ["max-sb", var n] => options with { MaxSubnegotiationLength = int.Parse(n, CultureInfo.InvariantCulture) },
            _ => throw new FormatException($"Unknown vector directive '{directive}'."),
        };
    }

    /// <summary>Decodes the vector notation: printable ASCII as is, any byte as <c>%XX</c>.</summary>
    public static byte[] DecodeEscapes(string line)
    {
        var bytes = new List<byte>(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '%')
            {
                bytes.Add(byte.Parse(line.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 2;
            }
            else if (c is >= ' ' and <= '~')
            {
                bytes.Add((byte)c);
            }
            else
            {
                throw new FormatException($"Write the byte 0x{(int)c:X2} as %XX in a vector.");
            }
        }

        return [.. bytes];
    }
}
