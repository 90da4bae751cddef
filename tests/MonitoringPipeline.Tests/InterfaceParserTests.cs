namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Text;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Polling;

[TestFixture]
public sealed class InterfaceParserTests
{
    private const string Table =
        "Interface  State  RxBytes          TxBytes          RxErrors  TxErrors\r\n" +
        "eth0       up     1234567          89012            3         4\r\n" +
        "ge-0/0/1   down   0                0                0         0\r\n" +
        "dev-3# ";

    [Test]
    public void Parse_ShowInterfacesTable_ReadsEveryRow()
    {
        var parsed = InterfaceParser.Parse(Table);

        Assert.That(parsed.Interfaces, Is.EqualTo(new[]
        {
            new InterfaceCounters("eth0", true, 1234567, 89012, 3, 4),
            new InterfaceCounters("ge-0/0/1", false, 0, 0, 0, 0),
        }));
        Assert.That(parsed.GarbledLines, Is.Zero, "the header and the prompt are text, just not counters");
    }

    [Test]
    public void Parse_ProcNetDev_ReadsBytesAndErrorColumns()
    {
        const string output =
            "cat /proc/net/dev\r\n" +
            "Inter-|   Receive                                                |  Transmit\r\n" +
            " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\r\n" +
            "    lo:    4242      42    0    0    0     0          0         0     4242      42    0    0    0     0       0          0\r\n" +
            "  eth0:12345678901 9000    7    1    0     0          0         3 98765432    8000    5    0    0     0       0          0\r\n" +
            "~ # ";

        var parsed = InterfaceParser.Parse(output);

        Assert.That(parsed.Interfaces, Is.EqualTo(new[]
        {
            new InterfaceCounters("lo", true, 4242, 4242, 0, 0),
            new InterfaceCounters("eth0", true, 12345678901, 98765432, 7, 5),
        }));
    }

    [Test]
    public void Parse_GarbageLine_CountedAndSkipped()
    {
        var bytes = Encoding.Latin1.GetBytes(Table.Replace("ge-0/0/1", "\u00e9\u0001\u00ff junk 12 34\r\nge-0/0/1", StringComparison.Ordinal));

        var parsed = InterfaceParser.Parse(bytes);

        Assert.That(parsed.Interfaces.Select(i => i.Name), Is.EqualTo(new[] { "eth0", "ge-0/0/1" }));
        Assert.That(parsed.GarbledLines, Is.EqualTo(1));
    }

    [TestCase("eth0       up     12345\u00a067          89012            3         4", Description = "NBSP splits a number: \\s would take it for a space")]
    [TestCase("eth0       up     1234567          89012            3         4\u00b2", Description = "a superscript digit")]
    [TestCase("eth0       up     1234567 \u0085 89012            3         4", Description = "NEL between fields")]
    [TestCase("eth0       up     1234567          89012            3         \u00854", Description = "control byte before a digit")]
    public void Parse_CounterLineWithNoiseSpliced_NeverYieldsNumbers(string line)
    {
        var parsed = InterfaceParser.Parse(line + "\r\n");

        Assert.That(parsed.Interfaces, Is.Empty, "a line with noise in it must not give a plausible but wrong counter");
        Assert.That(parsed.GarbledLines, Is.EqualTo(1));
    }

    [Test]
    public void Parse_TooManyOrTooFewFields_Skipped()
    {
        var parsed = InterfaceParser.Parse("eth0 up 1 2 3\neth1 up 1 2 3 4 5\neth2 up 1 2 3 4\n");

        Assert.That(parsed.Interfaces.Select(i => i.Name), Is.EqualTo(new[] { "eth2" }));
        Assert.That(parsed.GarbledLines, Is.Zero);
    }

    [Test]
    public void Parse_CounterTooLargeForInt64_Skipped()
    {
        var parsed = InterfaceParser.Parse("eth0 up 99999999999999999999 2 3 4\n");

        Assert.That(parsed.Interfaces, Is.Empty);
    }

    [Test]
    public void Parse_SameInterfaceTwice_FirstWins()
    {
        var parsed = InterfaceParser.Parse("eth0 up 1 2 3 4\neth0 up 9 9 9 9\n");

        Assert.That(parsed.Interfaces, Is.EqualTo(new[] { new InterfaceCounters("eth0", true, 1, 2, 3, 4) }));
    }

    [Test]
    public void Parse_DeviceTable_RoundTrips()
    {
        var counters = new[] { new InterfaceCounters("eth0", true, long.MaxValue, 0, 1, 2), new InterfaceCounters("eth1", true, 5, 6, 7, 8) };

        var parsed = InterfaceParser.Parse(SimulatedDevice.FormatTable(counters));

        Assert.That(parsed.Interfaces, Is.EqualTo(counters));
    }
}
