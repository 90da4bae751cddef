namespace RxTelnet.Tests.Reliability;

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Negotiation;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;
using static RxTelnet.Tests.Reliability.Hostile;

/// <summary>
/// Concurrency over the in-memory pair: many writers, throwing and slow subscribers, dispose racing with reads.
/// The loops are bounded and every wait has a deadline; nothing sleeps.
/// </summary>
[TestFixture]
public sealed class ConcurrencyTests : LeakCheckedTest
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Test]
    public async Task ManyWriters_InMemoryPair_EachWriteArrivesWhole()
    {
        const int writers = 8;
        const int perWriter = 400;
        var (a, b) = InMemoryTransport.CreatePair();
        using var sender = new TelnetSession(a).Start();
        using var receiver = new TelnetSession(b, new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(Records.Option) });
        var log = new RecordLog(writers * perWriter);
        receiver.Events.Subscribe(log.OnEvent);
        receiver.Start();
        Assert.That(await sender.RequestLocal(Records.Option, true).ToTask().WaitAsync(Deadline), Is.True, "subnegotiations need the option agreed");

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await sender.SendSubnegotiationAsync(Records.Option, Records.Subnegotiation(w, i));
                await sender.WriteAsync(Records.Data(w, i));
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(Deadline);
        await log.Complete.WaitAsync(Deadline);

        log.AssertIntact(writers, perWriter);
    }

    [Test]
    public void ThrowingSubscriber_IsDroppedAndReported_OthersAndReadsUnaffected()
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(
            OnNext(210, B("one ")),
            OnNext<byte[]>(220, [Iac, (byte)TelnetVerb.Do, (byte)TelnetOption.Echo]),
            OnNext(230, B("two $ ")));
        var transport = new ObservableTransport(incoming);
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler });
        var first = new List<string>();
        var third = new List<string>();
        var errors = new List<Exception>();
        var boom = new InvalidOperationException("subscriber bug");
        session.SubscriberErrors.Subscribe(errors.Add);
        session.Data.Subscribe(d => first.Add(S(d)));
        session.Data.Subscribe(_ => throw boom);
        session.Data.Subscribe(d => third.Add(S(d)));
        session.Commands.Subscribe(_ => throw new InvalidOperationException("commands subscriber bug"));
        session.Start();
        var read = scheduler.CreateObserver<string>();
        session.ReadUntil(B("$ "), TimeSpan.FromSeconds(1)).Select(S).Subscribe(read);

        scheduler.AdvanceTo(300);

        Assert.That(first, Is.EqualTo(new[] { "one ", "two $ " }), "the subscriber before the faulty one sees everything");
        Assert.That(third, Is.EqualTo(new[] { "one ", "two $ " }), "the subscriber after the faulty one sees everything");
        Assert.That(errors, Has.Count.EqualTo(2), "each faulty subscriber is reported once, then dropped");
        Assert.That(errors[0], Is.SameAs(boom));
        read.Messages.AssertEqual(OnNext(230, "one two $ "), OnCompleted<string>(230));
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, (byte)TelnetVerb.Wont, (byte)TelnetOption.Echo }), "negotiation goes on although a Commands subscriber threw");
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
    }

    [Test]
    public void SlowSubscriber_RunsOnTheReceiveLoop_ObserveOnDecouplesIt()
    {
        // Hot streams deliver synchronously on the receive loop: the next chunk is not processed until every
        // subscriber has returned, so a slow subscriber slows the session. ObserveOn moves the subscriber's work
        // elsewhere and the session runs ahead. Two chunks arrive back to back; each subscriber notes how much the
        // session had queued when it ran.
        var scheduler = new TestScheduler();
        var elsewhere = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(OnNext(210, B("login: ")), OnNext(210, B("password")));
        using var session = new TelnetSession(new ObservableTransport(incoming), new TelnetSessionOptions { Scheduler = scheduler });
        var inline = new List<int>();
        var decoupled = new List<int>();
        session.Data.Subscribe(_ => inline.Add(session.BufferedCount));
        session.Data.ObserveOn(elsewhere).Subscribe(_ => decoupled.Add(session.BufferedCount));
        session.Start();

        scheduler.AdvanceTo(300);
        Assert.That(decoupled, Is.Empty, "the decoupled subscriber has not run yet, and the session did not wait for it");
        elsewhere.Start();

        Assert.That(inline, Is.EqualTo(new[] { 7, 15 }), "inline: the second chunk waited until the subscriber returned from the first");
        Assert.That(decoupled, Is.EqualTo(new[] { 15, 15 }), "with ObserveOn the session had taken both chunks before the subscriber ran");
    }

    [Test]
    public async Task Dispose_RacingWithReadsAndWrites_OnlyDocumentedOutcomes()
    {
        const int iterations = 200;
        var outcomes = new Dictionary<string, int>();
        void Count(string what) => outcomes[what] = outcomes.GetValueOrDefault(what) + 1;

        for (var i = 0; i < iterations; i++)
        {
            var (a, b) = InMemoryTransport.CreatePair();
            var client = new TelnetSession(a).Start();
            using var server = new TelnetSession(b).Start();
            var read = i % 3 == 0 ? client.ReadSomeAsync() : client.ReadUntilAsync(B("END"));
            var peerWrite = Task.Run(() => server.WriteAsync(B("partial answer")));
            var ownWrite = Task.Run(() => client.WriteAsync(B("hello")));
            var dispose = i % 2 == 0 ? Task.Run(client.Dispose) : Task.Run(async () => await client.DisposeAsync());

            await dispose.WaitAsync(Deadline);
            Count(await Outcome(read, "read"));
            Count(await Outcome(ownWrite, "own write"));
            Count(await Outcome(peerWrite, "peer write"));
            Count(await Outcome(client.ReadUntilAsync(B("END")), "read after dispose"));
            Count(await Outcome(client.WriteAsync(B("late")), "write after dispose"));
        }

        var allowed = new[]
        {
            "read: ok", "read: TelnetEofException",
            "own write: ok", "own write: TelnetClosedException",
            "peer write: ok", "peer write: TelnetClosedException",
            "read after dispose: ok", "read after dispose: TelnetEofException",
            "write after dispose: TelnetClosedException",
        };
        TestContext.Out.WriteLine(string.Join("\n", outcomes.OrderBy(static o => o.Key).Select(static o => $"{o.Key} x{o.Value}")));
        Assert.That(outcomes.Keys, Is.SubsetOf(allowed), "only the documented outcomes");
        Assert.That(outcomes.Values.Sum(), Is.EqualTo(5 * iterations), "every operation finished before its deadline");
    }

    private static async Task<string> Outcome(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Deadline);
            return what + ": ok";
        }
        catch (TimeoutException)
        {
            return what + ": HUNG";
        }
        catch (Exception ex)
        {
            return what + ": " + ex.GetType().Name;
        }
    }
}
