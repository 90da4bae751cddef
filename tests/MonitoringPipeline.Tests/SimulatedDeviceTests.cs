namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Reactive.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Session;
using static FleetRun;

[TestFixture]
public sealed class SimulatedDeviceTests
{
    private static readonly Regex Prompt = new("dev-0# ");

    private static DeviceProfile Device(RandomFaults? random = null, params DeviceFault[] faults) =>
        FleetProfiles.Uniform(1, random ?? RandomFaults.None, seed: 99)[0].With(faults);

    private static TelnetSession Connect(InMemoryFleet fleet, TestScheduler scheduler)
    {
        TelnetSession? session = null;
        fleet.Connect("dev-0").Subscribe(s => session = s);
        scheduler.AdvanceBy(1);
        return session!;
    }

    private static string Read(TelnetSession session, TestScheduler scheduler, Regex until)
    {
        string? text = null;
        session.Expect([until], TimeSpan.FromSeconds(10), scheduler).Subscribe(r => text = Encoding.Latin1.GetString(r.Data), ex => text = "error: " + ex.Message);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(11).Ticks);
        return text!;
    }

    private static void Say(TelnetSession session, string line) => _ = session.WriteTextAsync(line + "\n");

    [Test]
    public void Serve_LoginThenShowInterfaces_CountersGrowWithVirtualTime()
    {
        var scheduler = new TestScheduler();
        using var fleet = new InMemoryFleet([Device()], scheduler);
        var session = Connect(fleet, scheduler);

        Assert.That(Read(session, scheduler, new Regex("login: ")), Is.EqualTo("\r\ndev-0 (RxTelnet simulated device)\r\n\r\nlogin: "));
        Say(session, "admin");
        Assert.That(Read(session, scheduler, new Regex("Password: ")), Is.EqualTo("Password: "));
        Say(session, "admin");
        Assert.That(Read(session, scheduler, Prompt), Is.EqualTo("\r\nWelcome to dev-0.\r\ndev-0# "));

        scheduler.AdvanceTo(TimeSpan.FromSeconds(100).Ticks);
        Say(session, "show interfaces");
        var parsed = InterfaceParser.Parse(Read(session, scheduler, Prompt));

        Assert.That(parsed.Interfaces, Is.EqualTo(new[]
        {
            new InterfaceCounters("eth0", true, 100 * 1000, 100 * 500, 0, 0),
            new InterfaceCounters("eth1", true, 100 * 200, 100 * 100, 0, 0),
        }), "counters at 100 s: the rates times 100");
    }

    [Test]
    public void Serve_WrongPassword_AsksAgain()
    {
        var scheduler = new TestScheduler();
        using var fleet = new InMemoryFleet([Device()], scheduler);
        var session = Connect(fleet, scheduler);
        Read(session, scheduler, new Regex("login: "));
        Say(session, "admin");
        Read(session, scheduler, new Regex("Password: "));
        Say(session, "guess");

        Assert.That(Read(session, scheduler, new Regex("login: ")), Is.EqualTo("\r\nLogin incorrect\r\n\r\nlogin: "));
    }

    [Test]
    public void Serve_DuringOutage_ClosesAtOnceAndDropsOpenSessionsAtTheStart()
    {
        var scheduler = new TestScheduler();
        using var fleet = new InMemoryFleet([Device(null, new Outage(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20)))], scheduler);
        var before = Connect(fleet, scheduler);
        var closedAt = DateTimeOffset.MinValue;
        before.State.Where(s => s.IsClosed).Subscribe(_ => closedAt = scheduler.Now);

        scheduler.AdvanceTo(TimeSpan.FromSeconds(15).Ticks);
        var during = Connect(fleet, scheduler);
        scheduler.AdvanceBy(1);

        Assert.That(closedAt, Is.EqualTo(At(0, 0, 10) + Ticks(1)), "dropped when the outage starts, seen one hop later");
        Assert.That(during.IsEof, Is.True, "a connection during the outage is closed before a byte");
        Assert.That(fleet["dev-0"].Connections, Is.EqualTo(2));
    }

    [Test]
    public void CountersAt_BurstAndStorm_IntegrateOnlyInsideTheirWindow()
    {
        var scheduler = new TestScheduler();
        var device = new SimulatedDevice(
            Device(null, new TrafficBurst("eth0", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(20), 5000, 7), new ErrorStorm("eth1", TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(9), 0.75)),
            scheduler,
            scheduler.Now);

        var at30 = device.CountersAt(TimeSpan.FromSeconds(30));
        var at15 = device.CountersAt(TimeSpan.FromSeconds(15));

        Assert.That(at30[0], Is.EqualTo(new InterfaceCounters("eth0", true, (30 * 1000) + (10 * 5000), (30 * 500) + (10 * 7), 0, 0)));
        Assert.That(at15[0].RxBytes, Is.EqualTo((15 * 1000) + (5 * 5000)));
        Assert.That(at30[1].RxErrors, Is.EqualTo(3), "floor(0.75/s x 4 s)");
    }

    [Test]
    public void Reply_WithGarbageAndStrayIac_CountersStillExact()
    {
        var scheduler = new TestScheduler();
        var noise = new RandomFaults(0, TimeSpan.Zero, GarbageProbability: 1, CorruptLineProbability: 0, DisconnectProbability: 0);
        using var fleet = new InMemoryFleet([Device(noise)], scheduler);
        var session = Login(fleet, scheduler);
        var commands = 0;
        session.Commands.Subscribe(_ => commands++);

        for (var i = 1; i <= 50; i++)
        {
            scheduler.AdvanceTo(TimeSpan.FromSeconds(60 * i).Ticks);
            Say(session, "show interfaces");
            var parsed = InterfaceParser.Parse(Read(session, scheduler, Prompt));
            var expected = fleet["dev-0"].CountersAt(TimeSpan.FromSeconds(60 * i) + Ticks(1));
            Assert.That(parsed.Interfaces, Is.EqualTo(expected), $"reply {i}");
            Assert.That(parsed.GarbledLines, Is.EqualTo(1), $"reply {i} had one garbage line");
        }

        Assert.That(commands, Is.GreaterThanOrEqualTo(50), "stray Telnet commands arrived and were taken out of the data");
    }

    [Test]
    public void Reply_WithCorruptLine_ThatInterfaceIsMissing()
    {
        var scheduler = new TestScheduler();
        var noise = new RandomFaults(0, TimeSpan.Zero, GarbageProbability: 0, CorruptLineProbability: 1, DisconnectProbability: 0);
        using var fleet = new InMemoryFleet([Device(noise)], scheduler);
        var session = Login(fleet, scheduler);

        Say(session, "show interfaces");
        var parsed = InterfaceParser.Parse(Read(session, scheduler, Prompt));

        Assert.That(parsed.Interfaces, Has.Count.EqualTo(1), "one of the two lines was corrupted");
        Assert.That(parsed.GarbledLines, Is.EqualTo(1));
    }

    [Test]
    public void Reply_SameSeed_SameBytes()
    {
        static string Transcript()
        {
            var scheduler = new TestScheduler();
            var noise = new RandomFaults(0.5, TimeSpan.FromSeconds(3), 0.5, 0.5, 0);
            using var fleet = new InMemoryFleet([Device(noise)], scheduler);
            var session = Login(fleet, scheduler);
            var text = new StringBuilder();
            session.RawReceived.Subscribe(b => text.Append(Encoding.Latin1.GetString(b)).Append('|').Append(scheduler.Clock).Append('|'));
            for (var i = 1; i <= 20; i++)
            {
                scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);
                Say(session, "show interfaces");
                Read(session, scheduler, Prompt);
            }

            return text.ToString();
        }

        var first = Transcript();
        var second = Transcript();
        Assert.That(second, Is.EqualTo(first), "same seed, same commands: same noise, same delays");
    }

    private static TelnetSession Login(InMemoryFleet fleet, TestScheduler scheduler)
    {
        var session = Connect(fleet, scheduler);
        Read(session, scheduler, new Regex("login: "));
        Say(session, "admin");
        Read(session, scheduler, new Regex("Password: "));
        Say(session, "admin");
        Read(session, scheduler, Prompt);
        return session;
    }
}
