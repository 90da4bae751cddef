namespace RxTelnet.Tests.Compat.Differential;

using System.Globalization;
using System.Text;

/// <summary>One difference between telnetlib and the facade.</summary>
/// <param name="Scenario">The scenario.</param>
/// <param name="Call">The call's index; <see cref="Differ.EofFlag"/> for the final eof flag, <see cref="Differ.AfterLastCall"/> for what followed the last call.</param>
/// <param name="Field">result, time, sent, callbacks, debug, eof.</param>
/// <param name="Expected">telnetlib's value.</param>
/// <param name="Actual">The facade's value.</param>
/// <param name="Class">A guess at the cause, to group mismatches (see <see cref="Differ.Classify"/>).</param>
internal sealed record Mismatch(Scenario Scenario, int Call, string Field, string Expected, string Actual, string Class)
{
    public string Where => Call switch
    {
        Differ.EofFlag => "final eof flag",
        Differ.AfterLastCall => "after the last call",
        _ => $"call {Call} {Scenario.Calls[Call]}",
    };

    public override string ToString() =>
        $"[{Class}] {Scenario.Id}{(Scenario.Seed is { } seed ? $" (seed {seed}, draw {Scenario.Attempt})" : string.Empty)}: {Where}: {Field}\n" +
        $"      telnetlib: {Expected}\n      facade:    {Actual}\n      {Scenario.Describe()}";
}

/// <summary>Compares telnetlib's records with the facade's, field by field, and sorts the differences into classes.</summary>
internal static class Differ
{
    public const int EofFlag = -1;
    public const int AfterLastCall = -2;

    private static readonly string[] EagerReads = ["read_very_eager", "read_eager", "read_lazy", "read_very_lazy"];

    /// <summary>Every difference, in call order; an empty list when the facade did exactly what telnetlib did.</summary>
    public static List<Mismatch> Compare(Scenario scenario, Replayed replayed)
    {
        var list = new List<Mismatch>();
        var expected = scenario.Expected.Calls;
        var actual = replayed.Outcome.Calls;
        for (var i = 0; i < expected.Count; i++)
        {
            var e = expected[i];
            var a = actual[i];
            Check(list, scenario, i, "result", e.Result.Canonical, a.Result.Canonical, e.Result.Shown, a.Result.Shown, e, a);
            if (a.Result.Pending)
            {
                // The facade never returned: the later calls were not run, and nothing else of this call is comparable.
                return list;
            }

            Check(list, scenario, i, "time", Tick(e.Time), Tick(a.Time), e, a);
            Check(list, scenario, i, "sent", Bytes(e.Sent), Bytes(a.Sent), e, a);
            Check(list, scenario, i, "callbacks", Callbacks(e.Callbacks), Callbacks(a.Callbacks), e, a);
            Check(list, scenario, i, "debug", Debug(e.Debug), Debug(a.Debug), e, a);
        }

        Check(list, scenario, EofFlag, "eof", Flag(scenario.Expected.Eof), Flag(replayed.Outcome.Eof), null, null);
        var after = replayed.AfterLastCall;
        Check(list, scenario, AfterLastCall, "sent", Bytes(string.Empty), Bytes(after.Sent), null, after);
        Check(list, scenario, AfterLastCall, "callbacks", Callbacks([]), Callbacks(after.Callbacks), null, after);
        return list;
    }

    /// <summary>
    /// Names the likely cause of a difference. The first difference of a scenario is the one that counts: later ones
    /// usually follow from it.
    /// </summary>
    /// <remarks>
    /// <list type="table">
    /// <item><term>facade-blocks</term><description>the facade's call never returned where telnetlib's did</description></item>
    /// <item><term>close-semantics</term><description>a call after close() behaves differently</description></item>
    /// <item><term>write-after-EOF</term><description>a write (or a callback's write) fails once the peer closed; telnetlib's sendall still succeeds</description></item>
    /// <item><term>sb-malformed</term><description>the stream holds a malformed subnegotiation (or SE outside one)</description></item>
    /// <item><term>eof-visibility</term><description>one side raises EOFError and the other returns a value</description></item>
    /// <item><term>cr-held-back</term><description>telnetlib returns a CR that ends what has arrived; the facade keeps it back</description></item>
    /// <item><term>read_some-size</term><description>read_some returns more than telnetlib's one recv(50) worth</description></item>
    /// <item><term>read_some-split</term><description>read_some returns less: the facade stops where a command, a NUL or a CR NUL was taken out of the data</description></item>
    /// <item><term>eager-visibility</term><description>read_(very_)eager/lazy see another part of what arrived</description></item>
    /// <item><term>expect-after-EOF</term><description>telnetlib's expect does not search once eof is set; the facade does</description></item>
    /// <item><term>expect-empty-match</term><description>telnetlib's expect returns an empty match of a pattern such as b'.*' at once, before reading</description></item>
    /// <item><term>expect-order</term><description>expect matches another pattern or another span</description></item>
    /// <item><term>refusal-after-EOF</term><description>telnetlib sends a refusal after the peer closed; the facade drops it</description></item>
    /// <item><term>refusal-timing</term><description>the same bytes are sent during another call (or after the last one)</description></item>
    /// <item><term>callback-timing</term><description>negotiation callbacks run during another call (or after the last one)</description></item>
    /// <item><term>timing</term><description>same result, returned at another tick</description></item>
    /// <item><term>eof-flag</term><description>only the final eof flag differs</description></item>
    /// <item><term>debug-output</term><description>only the debug lines differ</description></item>
    /// <item><term>other</term><description>anything else</description></item>
    /// </list>
    /// </remarks>
    public static string Classify(Scenario scenario, int call, string field, CallRecord? expected, CallRecord? actual)
    {
        if (call == EofFlag)
        {
            return "eof-flag";
        }

        if (call == AfterLastCall)
        {
            return field == "sent" ? "refusal-timing" : "callback-timing";
        }

        var op = scenario.Calls[call].Op;
        var start = call == 0 ? 0 : scenario.Expected.Calls[call - 1].Time;
        var eofByReturn = scenario.Eof is { } eof && eof <= expected!.Time;
        var eofBeforeStart = scenario.Eof is { } closed && closed <= start;
        var malformed = scenario.Tags.Contains("sb-malformed") || scenario.Tags.Contains("se-outside-sb");
        var afterClose = scenario.Calls.Take(call).Any(static c => c.Op == "close");
        switch (field)
        {
            case "result":
                if (actual!.Result.Pending)
                {
                    return "facade-blocks";
                }

                if (afterClose || op == "close")
                {
                    return "close-semantics";
                }

                if (eofByReturn && actual.Result.Canonical == "raise closed" && expected!.Result.Error is null)
                {
                    // A write, or a read whose negotiation callback wrote (reply mode), on a connection the peer closed.
                    return "write-after-EOF";
                }

                if (op == "write")
                {
                    return "other";
                }

                var want = expected!.Result.Bytes;
                var got = actual.Result.Bytes;
                if (want is not null && got is not null && want == got + "0d")
                {
                    return "cr-held-back";
                }

                if (op == "read_some" && want is not null && got is not null && got.Length < want.Length && want.StartsWith(got, StringComparison.Ordinal))
                {
                    return "read_some-split";
                }

                if (malformed)
                {
                    return "sb-malformed";
                }

                if (expected!.Result.IsEofError != actual.Result.IsEofError)
                {
                    return "eof-visibility";
                }

                if (op == "read_some")
                {
                    return (got?.Length ?? 0) > (want?.Length ?? 0) ? "read_some-size" : "read_some-split";
                }

                if (EagerReads.Contains(op))
                {
                    return "eager-visibility";
                }

                if (op == "expect")
                {
                    return expected.Result.Expect switch
                    {
                        { Index: -1 } when actual.Result.Expect is { Index: >= 0 } && eofBeforeStart => "expect-after-EOF",
                        { Match: "", Text: "" } => "expect-empty-match",
                        _ => "expect-order",
                    };
                }

                return "other";
            case "time":
                return malformed ? "sb-malformed" : "timing";
            case "sent":
                return eofByReturn && expected!.Sent.Length > actual!.Sent.Length ? "refusal-after-EOF" : "refusal-timing";
            case "callbacks":
                return malformed ? "sb-malformed" : "callback-timing";
            case "debug":
                return "debug-output";
            default:
                return "other";
        }
    }

    /// <summary>A table of classes: scenarios whose first difference is of the class, and all differing fields of the class.</summary>
    public static string Table(IReadOnlyCollection<List<Mismatch>> differing)
    {
        var first = differing.Where(static l => l.Count > 0).GroupBy(static l => l[0].Class).ToDictionary(static g => g.Key, static g => g.Count());
        var all = differing.SelectMany(static l => l).GroupBy(static m => m.Class).ToDictionary(static g => g.Key, static g => g.Count());
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture, $"  {"class",-18} {"scenarios (first diff)",22} {"differing fields",17}");
        foreach (var name in all.Keys.OrderByDescending(k => first.GetValueOrDefault(k)).ThenBy(static k => k, StringComparer.Ordinal))
        {
            builder.AppendLine(CultureInfo.InvariantCulture, $"  {name,-18} {first.GetValueOrDefault(name),22} {all[name],17}");
        }

        return builder.ToString();
    }

    private static void Check(
        List<Mismatch> list, Scenario scenario, int call, string field, string expected, string actual, CallRecord? e, CallRecord? a) =>
        Check(list, scenario, call, field, expected, actual, expected, actual, e, a);

    private static void Check(
        List<Mismatch> list, Scenario scenario, int call, string field, string expected, string actual, string expectedShown, string actualShown, CallRecord? e, CallRecord? a)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            list.Add(new Mismatch(scenario, call, field, expectedShown, actualShown, Classify(scenario, call, field, e, a)));
        }
    }

    private static string Tick(long tick) => "tick " + tick.ToString(CultureInfo.InvariantCulture);

    private static string Bytes(string hex) => Repr.Bytes(Convert.FromHexString(hex));

    private static string Flag(bool flag) => flag ? "True" : "False";

    private static string Callbacks(IReadOnlyList<CallbackRecord> callbacks) => "[" + string.Join(", ", callbacks) + "]";

    private static string Debug(IReadOnlyList<string> lines) => "[" + string.Join(" | ", lines) + "]";
}
