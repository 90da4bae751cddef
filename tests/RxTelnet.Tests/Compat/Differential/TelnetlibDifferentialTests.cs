namespace RxTelnet.Tests.Compat.Differential;

using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;

/// <summary>
/// Differential tests: <see cref="RxTelnet.Compat.Telnet"/> against the real, unmodified Python telnetlib, read for read.
/// </summary>
/// <remarks>
/// <para>
/// At set-up, telnetlib_reference.py (next to this file) runs telnetlib over a scripted fake socket, a fake selector
/// and a virtual clock, for every scenario, and prints the results as JSON. Each scenario is then replayed through
/// the facade (<see cref="FacadeReplay"/>) on a <c>TestScheduler</c> and every recorded field is compared: each call's
/// return value or exception, the virtual tick at which it returned, the bytes sent during it, the negotiation
/// callbacks that ran during it, the debug lines (debug scenarios only), the final eof flag, and that nothing is sent
/// or called back after the last call.
/// </para>
/// <para>
/// Time model, shared by both sides: one scenario tick is one scheduler tick; chunk i arrives at its tick (an
/// OnNext on a hot observable), the peer closes at its tick (OnCompleted) or never; calls run one after another
/// from tick 0, each starting when the previous returned; a blocking call returns at the tick at which the data, the
/// close or its timeout (start + timeout) came; sleep(d) idles d ticks. No scenario has an arrival on the tick of a
/// timeout's deadline (the order of the two would be undefined), and none blocks for ever in telnetlib. The full
/// statement is at the top of telnetlib_reference.py and of <see cref="FacadeReplay"/>.
/// </para>
/// <para>
/// CPython's own test_telnetlib cases are ported as named scenarios, one test case each; the generated scenarios run
/// as one test per family, so that one family's differences do not hide another's. Each failure lists the first
/// differences, a few per class, and a table of classes; the tables are also written to
/// telnetlib-differential-summary.txt in the test's work directory, and every difference of a family to
/// telnetlib-differential-FAMILY.txt. Scenarios that call fill_rawq, process_rawq or
/// sock_avail are ignored until the facade has them (see <see cref="RawqCalls"/>).
/// </para>
/// <para>
/// Needs a CPython with telnetlib (3.12 or older): /usr/bin/python3 when it exists, else python3 on PATH; without
/// one, every test here fails with a message that says so. Run alone with
/// <c>dotnet test tests/RxTelnet.Tests --filter "TestCategory=TelnetlibDifferential"</c>; look at one scenario and
/// telnetlib's results with <c>python3 telnetlib_reference.py --show ID</c>, and at the counts with <c>--summary</c>.
/// </para>
/// </remarks>
[TestFixture]
[Category("TelnetlibDifferential")]
public sealed class TelnetlibDifferentialTests
{
    private const int ShownPerClass = 2;
    private const int Shown = 15;

    private static readonly TimeSpan ReferenceTimeLimit = TimeSpan.FromMinutes(3);
    private static readonly ConcurrentDictionary<string, string> Summaries = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, (int Run, List<List<Mismatch>> Differing)> Results = new(StringComparer.Ordinal);

    private ReferenceRun _reference = null!;

    [OneTimeSetUp]
    public async Task RunTelnetlibAsync()
    {
        var python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var script = Path.Combine(AppContext.BaseDirectory, "Compat", "Differential", "telnetlib_reference.py");
        Assert.That(File.Exists(script), Is.True, $"{script} is missing from the test output");
        var (code, output, errors) = await ChildProcess.RunAsync(
            python,
            ["-X", "utf8", script],
            string.Empty,
            ReferenceTimeLimit,
            $"The telnetlib differential tests need CPython 3.12 or older with telnetlib, and {python} cannot be started. " +
            "Install Debian's python3 (apt-get install python3).");
        if (code == 3)
        {
            Assert.Fail($"The telnetlib differential tests need CPython 3.12 or older with telnetlib: {errors.Trim()}");
        }

        Assert.That(code, Is.Zero, $"telnetlib_reference.py failed (exit {code}):\n{errors}");
        _reference = ReferenceRun.Parse(output);
        TestContext.Progress.WriteLine(
            $"telnetlib reference: Python {_reference.Python}, {_reference.Telnetlib}, {_reference.Scenarios.Count} scenarios");
    }

    [OneTimeTearDown]
    public void WriteSummary()
    {
        if (Summaries.IsEmpty)
        {
            return;
        }

        var text = string.Join("\n", Summaries.OrderBy(static p => p.Key, StringComparer.Ordinal).Select(static p => p.Value));
        var all = Results.Values.SelectMany(static r => r.Differing).ToList();
        text += "\n" + Summarize($"all {Results.Count} families run", Results.Values.Sum(static r => r.Run), Results.Values.Sum(static r => r.Run), all);
        File.WriteAllText(Path.Combine(TestContext.CurrentContext.WorkDirectory, "telnetlib-differential-summary.txt"), text);
        TestContext.Progress.WriteLine(text);
    }

    /// <summary>CPython's test_telnetlib, ported as behaviour: the same inputs and calls, compared call by call.</summary>
    [TestCase("ReadTests.test_read_until.match_in_first_read")]
    [TestCase("ReadTests.test_read_until.match_in_middle_read")]
    [TestCase("ReadTests.test_read_all")]
    [TestCase("ReadTests.test_read_some.at_least_one_byte")]
    [TestCase("ReadTests.test_read_some.eof")]
    [TestCase("ReadTests.test_read_eager.read_eager")]
    [TestCase("ReadTests.test_read_eager.read_very_eager")]
    [TestCase("ReadTests.read_very_lazy")]
    [TestCase("ReadTests.test_read_lazy")]
    [TestCase("WriteTests.test_write.sample0")]
    [TestCase("WriteTests.test_write.sample1")]
    [TestCase("WriteTests.test_write.sample2")]
    [TestCase("WriteTests.test_write.sample3")]
    [TestCase("WriteTests.test_write.sample4")]
    [TestCase("OptionTests.test_IAC_commands.AO.alone")]
    [TestCase("OptionTests.test_IAC_commands.AO.in_100")]
    [TestCase("OptionTests.test_IAC_commands.AO.in_10")]
    [TestCase("OptionTests.test_IAC_commands.AYT.alone")]
    [TestCase("OptionTests.test_IAC_commands.AYT.in_100")]
    [TestCase("OptionTests.test_IAC_commands.AYT.in_10")]
    [TestCase("OptionTests.test_IAC_commands.BRK.alone")]
    [TestCase("OptionTests.test_IAC_commands.BRK.in_100")]
    [TestCase("OptionTests.test_IAC_commands.BRK.in_10")]
    [TestCase("OptionTests.test_IAC_commands.EC.alone")]
    [TestCase("OptionTests.test_IAC_commands.EC.in_100")]
    [TestCase("OptionTests.test_IAC_commands.EC.in_10")]
    [TestCase("OptionTests.test_IAC_commands.EL.alone")]
    [TestCase("OptionTests.test_IAC_commands.EL.in_100")]
    [TestCase("OptionTests.test_IAC_commands.EL.in_10")]
    [TestCase("OptionTests.test_IAC_commands.GA.alone")]
    [TestCase("OptionTests.test_IAC_commands.GA.in_100")]
    [TestCase("OptionTests.test_IAC_commands.GA.in_10")]
    [TestCase("OptionTests.test_IAC_commands.IP.alone")]
    [TestCase("OptionTests.test_IAC_commands.IP.in_100")]
    [TestCase("OptionTests.test_IAC_commands.IP.in_10")]
    [TestCase("OptionTests.test_IAC_commands.NOP.alone")]
    [TestCase("OptionTests.test_IAC_commands.NOP.in_100")]
    [TestCase("OptionTests.test_IAC_commands.NOP.in_10")]
    [TestCase("OptionTests.test_IAC_commands.all_at_once")]
    [TestCase("OptionTests.test_SB_commands")]
    [TestCase("OptionTests.test_debuglevel_reads.fill_rawq")]
    [TestCase("OptionTests.test_debuglevel_reads.unknown_command")]
    [TestCase("OptionTests.test_debuglevel_reads.DO")]
    [TestCase("OptionTests.test_debuglevel_reads.DONT")]
    [TestCase("OptionTests.test_debuglevel_reads.WILL")]
    [TestCase("OptionTests.test_debuglevel_reads.WONT")]
    [TestCase("OptionTests.test_debuglevel_write")]
    [TestCase("OptionTests.test_debug_accepts_str_port")]
    [TestCase("ExpectTests.test_expect")]
    public void CpythonCase(string name)
    {
        var scenario = Find("cpython:" + name);
        var mismatches = Replay(scenario);
        Assert.That(mismatches.Count, Is.Zero, () => $"{name} differs from telnetlib:\n" + string.Join("\n", mismatches));
    }

    /// <summary>A family of generated scenarios: all must behave as telnetlib does.</summary>
    [TestCase("iac-splits")]
    [TestCase("negotiation")]
    [TestCase("eof-position")]
    [TestCase("expect")]
    [TestCase("reads")]
    [TestCase("mixed")]
    [TestCase("close")]
    [TestCase("debug")]
    [TestCase("rawq")]
    public void Family(string family)
    {
        var scenarios = _reference.Scenarios.Where(s => s.Family == family).ToList();
        Assert.That(scenarios, Is.Not.Empty, $"telnetlib_reference.py produced no {family} scenario");
        var runnable = scenarios;

        var differing = runnable.Select(Replay).Where(static m => m.Count > 0).ToList();
        var summary = Summarize(family, scenarios.Count, runnable.Count, differing);
        Summaries[family] = summary;
        Results[family] = (runnable.Count, differing);
        TestContext.Out.WriteLine(summary);
        var report = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"telnetlib-differential-{family}.txt");
        File.WriteAllText(report, summary + "\n" + string.Join("\n", differing.SelectMany(static l => l)));
        TestContext.Out.WriteLine($"every difference: {report}");
        Assert.That(differing.Count, Is.Zero, () => summary + "\n" + Examples(differing));
    }

    /// <summary>Every named case and every family above has scenarios, and every scenario has a test.</summary>
    [Test]
    public void EveryReferenceScenarioHasATest()
    {
        var named = TestCaseNames(nameof(CpythonCase)).Select(static n => "cpython:" + n).ToHashSet(StringComparer.Ordinal);
        var families = TestCaseNames(nameof(Family)).Append("cpython").ToHashSet(StringComparer.Ordinal);
        var ids = _reference.Scenarios.Select(static s => s.Id).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ids, Is.Unique, "scenario ids are unique");
            Assert.That(ids.Where(static i => i.StartsWith("cpython:", StringComparison.Ordinal)), Is.EquivalentTo(named), "one test case per ported CPython case");
            Assert.That(_reference.Scenarios.Select(static s => s.Family).Distinct(), Is.SubsetOf(families), "one test per family");
        });
    }

    private static IEnumerable<string> TestCaseNames(string method) =>
        typeof(TelnetlibDifferentialTests).GetMethod(method)!.GetCustomAttributes<TestCaseAttribute>().Select(static a => (string)a.Arguments[0]!);

    private static List<Mismatch> Replay(Scenario scenario)
    {
        return Differ.Compare(scenario, FacadeReplay.Run(scenario));
    }

    private static string Summarize(string family, int total, int run, List<List<Mismatch>> differing)
    {
        var builder = new StringBuilder();
        builder.AppendLine(CultureInfo.InvariantCulture,
            $"{family}: {total} scenarios, {run} run, {run - differing.Count} identical to telnetlib, {differing.Count} differing");
        if (differing.Count > 0)
        {
            builder.Append(Differ.Table(differing));
        }

        return builder.ToString();
    }

    /// <summary>The first difference of the first scenarios of each class, then of the first scenarios overall.</summary>
    private static string Examples(List<List<Mismatch>> differing)
    {
        var firsts = differing.Select(static l => l[0]).ToList();
        var picked = firsts.GroupBy(static m => m.Class).SelectMany(static g => g.Take(ShownPerClass)).ToList();
        picked.AddRange(firsts.Except(picked).Take(Math.Max(0, Shown - picked.Count)));
        return $"first difference of {picked.Count} of the {differing.Count} differing scenarios:\n" + string.Join("\n", picked);
    }

    private Scenario Find(string id) =>
        _reference.Scenarios.SingleOrDefault(s => s.Id == id) ?? throw new AssertionException($"telnetlib_reference.py produced no scenario {id}");
}
