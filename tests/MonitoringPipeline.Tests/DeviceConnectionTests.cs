namespace RxTelnet.Samples.MonitoringPipeline.Tests;

using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Microsoft.Reactive.Testing;
using RxTelnet.Samples.MonitoringPipeline.Fleet;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Session;
using static FleetRun;

[TestFixture]
public sealed class DeviceConnectionTests
{
    private static readonly PollerOptions Options = new()
    {
        CommandTimeout = TimeSpan.FromSeconds(5),
        LoginTimeout = TimeSpan.FromSeconds(5),
        BackoffInitial = TimeSpan.FromSeconds(1),
        BackoffMax = TimeSpan.FromSeconds(60),
    };

    private static (DeviceConnection Connection, List<ConnectionEvent> Events) Create(
        TestScheduler scheduler, Func<string, IObservable<TelnetSession>> sessions, DeviceTarget? target = null)
    {
        var events = new List<ConnectionEvent>();
        var subject = new Subject<ConnectionEvent>();
        subject.Subscribe(events.Add);
        var profile = FleetProfiles.Uniform(1, RandomFaults.None)[0];
        var connection = new DeviceConnection(target ?? DeviceTarget.For(profile), sessions, Options, scheduler, subject);
        connection.Start();
        return (connection, events);
    }

    private static IObservable<TelnetSession> Refused(string id) =>
        Observable.Throw<TelnetSession>(new SocketException((int)SocketError.ConnectionRefused));

    [TestCase(1, 1)]
    [TestCase(2, 2)]
    [TestCase(3, 4)]
    [TestCase(6, 32)]
    [TestCase(7, 60)]
    [TestCase(40, 60)]
    public void Backoff_DoublesFromInitialUpToMax(int failures, int seconds)
    {
        Assert.That(Options.Backoff(failures), Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [Test]
    public void Start_FactoryAlwaysFails_AttemptsAtExactBackoffTimes()
    {
        var scheduler = new TestScheduler();
        var (connection, events) = Create(scheduler, Refused);

        scheduler.AdvanceTo(TimeSpan.FromSeconds(200).Ticks);

        // The first attempt runs one tick after Start (TestScheduler runs "now" one tick later); a refused connect
        // fails at once, and each retry waits exactly its backoff.
        Assert.That(events.Where(e => e.Kind == ConnectionEventKind.Attempt).Select(e => e.Time), Is.EqualTo(new[]
        {
            At(0, 0, 0), At(0, 0, 1), At(0, 0, 3), At(0, 0, 7), At(0, 0, 15), At(0, 0, 31), At(0, 1, 3), At(0, 2, 3), At(0, 3, 3),
        }.Select(t => t + Ticks(1))));
        Assert.That(events.Where(e => e.Kind == ConnectionEventKind.Failed).Select(e => e.Detail), Is.All.Contains("refused"));
        connection.Dispose();
    }

    [Test]
    public void Start_SucceedsAfterFailures_BackoffStartsOverAfterTheNextLoss()
    {
        var scheduler = new TestScheduler();
        using var fleet = new InMemoryFleet(FleetProfiles.Uniform(1, RandomFaults.None), scheduler);
        var calls = 0;
        TelnetSession? current = null;
        var (connection, events) = Create(scheduler, id =>
        {
            calls++;
            return calls is 1 or 2 or 4 ? Refused(id) : fleet.Connect(id).Do(s => current = s);
        });

        scheduler.AdvanceTo(TimeSpan.FromSeconds(10).Ticks);
        current!.Close();
        scheduler.AdvanceTo(TimeSpan.FromSeconds(20).Ticks);

        Assert.That(events.Select(e => (e.Kind, e.Time)), Is.EqualTo(new[]
        {
            (ConnectionEventKind.Attempt, At(0, 0, 0) + Ticks(1)),
            (ConnectionEventKind.Failed, At(0, 0, 0) + Ticks(1)),
            (ConnectionEventKind.Attempt, At(0, 0, 1) + Ticks(1)),
            (ConnectionEventKind.Failed, At(0, 0, 1) + Ticks(1)),
            (ConnectionEventKind.Attempt, At(0, 0, 3) + Ticks(1)),
            (ConnectionEventKind.Connected, At(0, 0, 3) + Ticks(6)), // greeting, user, prompt, password, prompt: five hops
            (ConnectionEventKind.Lost, At(0, 0, 10)),                // closed locally: seen at once
            (ConnectionEventKind.Attempt, At(0, 0, 10) + Ticks(1)),
            (ConnectionEventKind.Failed, At(0, 0, 10) + Ticks(1)),
            (ConnectionEventKind.Attempt, At(0, 0, 11) + Ticks(1)),  // 1 s again: the success reset the count
            (ConnectionEventKind.Connected, At(0, 0, 11) + Ticks(6)),
        }));
        connection.Dispose();
    }

    [Test]
    public void Poll_NotConnected_FailsAtOnce()
    {
        var scheduler = new TestScheduler();
        var (connection, _) = Create(scheduler, _ => Observable.Never<TelnetSession>());
        PollResult? result = null;

        scheduler.AdvanceTo(TimeSpan.FromSeconds(5).Ticks);
        connection.Poll(1).Subscribe(r => result = r);

        Assert.That(result, Has.Property(nameof(PollResult.Status)).EqualTo(PollStatus.NotConnected)
            .And.Property(nameof(PollResult.Completed)).EqualTo(At(0, 0, 5)));
        connection.Dispose();
    }

    [Test]
    public void Poll_WhilePreviousPollRuns_Skipped()
    {
        var scheduler = new TestScheduler();
        var profile = FleetProfiles.Uniform(1, RandomFaults.None)[0].With(new SlowReplies(TimeSpan.Zero, TimeSpan.FromHours(1), TimeSpan.FromSeconds(3)));
        using var fleet = new InMemoryFleet([profile], scheduler);
        var (connection, _) = Create(scheduler, fleet.Connect);
        var results = new List<PollResult>();
        scheduler.AdvanceTo(TimeSpan.FromSeconds(1).Ticks);

        connection.Poll(1).Subscribe(results.Add);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        connection.Poll(2).Subscribe(results.Add);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);

        Assert.That(results.Select(r => (r.Poll, r.Status, r.Completed)), Is.EqualTo(new[]
        {
            (2L, PollStatus.Skipped, At(0, 0, 2)),
            (1L, PollStatus.Ok, At(0, 0, 4) + Ticks(2)),
        }));
        connection.Dispose();
    }

    [Test]
    public void Poll_ReplyLaterThanTimeout_TimesOutAndDropsTheSession()
    {
        var scheduler = new TestScheduler();
        var profile = FleetProfiles.Uniform(1, RandomFaults.None)[0].With(new SlowReplies(TimeSpan.Zero, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(8)));
        using var fleet = new InMemoryFleet([profile], scheduler);
        var (connection, events) = Create(scheduler, fleet.Connect);
        var results = new List<PollResult>();
        scheduler.AdvanceTo(TimeSpan.FromSeconds(1).Ticks);

        connection.Poll(1).Subscribe(results.Add);
        scheduler.AdvanceTo(TimeSpan.FromSeconds(40).Ticks);
        connection.Poll(2).Subscribe(results.Add);
        scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        Assert.That(results.Select(r => (r.Status, r.Completed)), Is.EqualTo(new[]
        {
            (PollStatus.Timeout, At(0, 0, 6)),
            (PollStatus.Ok, At(0, 0, 40) + Ticks(2)),
        }), "5 s timeout; the next poll uses a fresh session, not the late reply");
        Assert.That(events.Count(e => e.Kind == ConnectionEventKind.Lost), Is.EqualTo(1));
        connection.Dispose();
    }

    [Test]
    public void Start_WrongPassword_FailsAndBacksOff()
    {
        var scheduler = new TestScheduler();
        var profile = FleetProfiles.Uniform(1, RandomFaults.None)[0];
        using var fleet = new InMemoryFleet([profile], scheduler);
        var target = DeviceTarget.For(profile) with { Password = "wrong" };
        var (connection, events) = Create(scheduler, fleet.Connect, target);

        scheduler.AdvanceTo(TimeSpan.FromSeconds(2).Ticks);

        var failed = events.First(e => e.Kind == ConnectionEventKind.Failed);
        Assert.That(failed.Detail, Is.EqualTo("Login incorrect."));
        Assert.That(failed.RetryIn, Is.EqualTo(TimeSpan.FromSeconds(1)));
        connection.Dispose();
    }
}
