namespace RxTelnet.Samples.MonitoringPipeline.Polling;

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>What a command's output held: the interfaces that parsed, and how many lines were garbled.</summary>
public sealed record ParsedOutput(IReadOnlyList<InterfaceCounters> Interfaces, int GarbledLines);

/// <summary>
/// Parses interface counters out of command output: the simulated devices' <c>show interfaces</c> table and Linux's
/// <c>/proc/net/dev</c> (so <c>cat /proc/net/dev</c> on a real box works too). Anything else is skipped.
/// </summary>
/// <remarks>
/// A line holding a byte outside printable ASCII counts as garbled and is never read as counters: a line with noise
/// spliced in must not yield a plausible but wrong number. Telnet commands inside the output never get here; the
/// session's parser has removed them. Character classes are spelled out (<c>[0-9]</c>, <c>[ \t]</c>) because
/// <c>\d</c> and <c>\s</c> also match non-ASCII digits and spaces.
/// </remarks>
public static partial class InterfaceParser
{
    public static ParsedOutput Parse(ReadOnlySpan<byte> output) => Parse(Encoding.Latin1.GetString(output));

    public static ParsedOutput Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var interfaces = new List<InterfaceCounters>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var garbled = 0;
        foreach (var raw in output.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!IsText(line))
            {
                garbled++;
                continue;
            }

            var counters = ParseTableRow(line) ?? ParseProcNetDevRow(line);
            if (counters is not null && seen.Add(counters.Name))
            {
                interfaces.Add(counters);
            }
        }

        return new ParsedOutput(interfaces, garbled);
    }

    private static bool IsText(string line)
    {
        foreach (var c in line)
        {
            if (c is (< ' ' or > '~') and not '\t')
            {
                return false;
            }
        }

        return true;
    }

    private static InterfaceCounters? ParseTableRow(string line)
    {
        var m = TableRow().Match(line);
        if (!m.Success
            || !TryParse(m.Groups["rx"].Value, out var rx) || !TryParse(m.Groups["tx"].Value, out var tx)
            || !TryParse(m.Groups["rxerr"].Value, out var rxErrors) || !TryParse(m.Groups["txerr"].Value, out var txErrors))
        {
            return null;
        }

        return new InterfaceCounters(m.Groups["name"].Value, m.Groups["state"].Value == "up", rx, tx, rxErrors, txErrors);
    }

    private static InterfaceCounters? ParseProcNetDevRow(string line)
    {
        var m = ProcNetDevRow().Match(line);
        if (!m.Success)
        {
            return null;
        }

        // Receive: bytes packets errs drop fifo frame compressed multicast; Transmit: bytes packets errs drop fifo colls carrier compressed.
        var fields = m.Groups["fields"].Value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var values = new long[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            if (!TryParse(fields[i], out values[i]))
            {
                return null;
            }
        }

        return new InterfaceCounters(m.Groups["name"].Value, IsUp: true, values[0], values[8], values[2], values[10]);
    }

    private static bool TryParse(string digits, out long value) =>
        long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"^(?<name>[A-Za-z][A-Za-z0-9/._-]*)[ \t]+(?<state>up|down)[ \t]+(?<rx>[0-9]+)[ \t]+(?<tx>[0-9]+)[ \t]+(?<rxerr>[0-9]+)[ \t]+(?<txerr>[0-9]+)[ \t]*$", RegexOptions.CultureInvariant)]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^[ \t]*(?<name>[A-Za-z0-9][A-Za-z0-9/._@-]*):[ \t]*(?<fields>[0-9]+(?:[ \t]+[0-9]+){15})[ \t]*$", RegexOptions.CultureInvariant)]
    private static partial Regex ProcNetDevRow();
}
