namespace RxTelnet.Tests.Negotiation;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>Two negotiators wired back to back over an in-order link, and hostile floods.</summary>
[TestFixture]
public sealed class NegotiatorInteropTests
{
    private static readonly TelnetOption[] Options = [TelnetOption.Echo, TelnetOption.SuppressGoAhead, TelnetOption.Naws, TelnetOption.TimingMark];

    private static readonly TelnetOptionPolicy AllowAll = new TelnetOptionPolicy().Allow(Options);

    [Test]
    public void BothSides_RequestToPerformTheSameOptionAtOnce_EndEnabledWithFourMessages()
    {
        var link = new Link(AllowAll, AllowAll);
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, true));
        link.Send(Link.End.B, link.B.RequestLocal(TelnetOption.Echo, true));

        link.Drain(new Random(1));

        link.AssertConsistent(TelnetOption.Echo);
        Assert.That(link.A.IsLocalEnabled(TelnetOption.Echo) && link.A.IsRemoteEnabled(TelnetOption.Echo), Is.True, "each side asked to perform and each agreed");
        Assert.That(link.Messages, Is.EqualTo(4), "two WILLs crossing, each answered by one DO");
    }

    [Test]
    public void BothSides_AskThePeerToPerformTheSameOptionAtOnce_EndEnabledWithFourMessages()
    {
        var link = new Link(AllowAll, AllowAll);
        link.Send(Link.End.A, link.A.RequestRemote(TelnetOption.SuppressGoAhead, true));
        link.Send(Link.End.B, link.B.RequestRemote(TelnetOption.SuppressGoAhead, true));

        link.Drain(new Random(2));

        link.AssertConsistent(TelnetOption.SuppressGoAhead);
        Assert.That(link.A.IsRemoteEnabled(TelnetOption.SuppressGoAhead) && link.B.IsRemoteEnabled(TelnetOption.SuppressGoAhead), Is.True);
        Assert.That(link.Messages, Is.EqualTo(4));
    }

    [Test]
    public void BothSides_DisableTheSameOptionAtOnce_EndDisabledWithTwoMessages()
    {
        var link = new Link(AllowAll, AllowAll);
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, true));
        link.Drain(new Random(3));
        var before = link.Messages;

        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, false)); // WONT
        link.Send(Link.End.B, link.B.RequestRemote(TelnetOption.Echo, false)); // DONT, crossing it
        link.Drain(new Random(3));

        link.AssertConsistent(TelnetOption.Echo);
        Assert.That(link.A.IsLocalEnabled(TelnetOption.Echo), Is.False);
        Assert.That(link.Messages - before, Is.EqualTo(2), "the crossing WONT and DONT answer each other");
    }

    [Test]
    public void OneSideRefuses_RequestsAtOnce_EndDisabledAndConsistent()
    {
        var link = new Link(AllowAll, TelnetOptionPolicy.RefuseAll);
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Naws, true));
        link.Send(Link.End.A, link.A.RequestRemote(TelnetOption.Naws, true));
        link.Send(Link.End.B, link.B.RequestLocal(TelnetOption.Echo, true));

        link.Drain(new Random(4));

        foreach (var option in Options)
        {
            link.AssertConsistent(option);
        }

        Assert.That(link.A.IsLocalEnabled(TelnetOption.Naws) || link.A.IsRemoteEnabled(TelnetOption.Naws), Is.False, "B refused both directions");
        Assert.That(link.B.IsLocalEnabled(TelnetOption.Echo), Is.True, "A accepts B's offer");
    }

    [Test]
    public void RequestToggledWhileInFlight_IsQueuedAndEndsWhereTheApplicationLastAsked()
    {
        var link = new Link(AllowAll, AllowAll);
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, true));
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, false)); // queued
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.Echo, true)); // cancels the queued disable

        link.Drain(new Random(5));

        link.AssertConsistent(TelnetOption.Echo);
        Assert.That(link.A.IsLocalEnabled(TelnetOption.Echo), Is.True);
        Assert.That(link.Messages, Is.EqualTo(2), "only WILL and its DO went out");
    }

    [Test]
    public void TimingMark_WillAndDoCross_BothSidesEndDisabled()
    {
        // Found by the random test: a WILL TM crossing a DO TM once left one side at YES and the other at NO.
        var link = new Link(AllowAll, AllowAll);
        link.Send(Link.End.A, link.A.RequestLocal(TelnetOption.TimingMark, true));
        link.Send(Link.End.B, link.B.RequestRemote(TelnetOption.TimingMark, true));

        link.Drain(new Random(6));

        link.AssertConsistent(TelnetOption.TimingMark);
        Assert.That(link.A.GetState(TelnetOption.TimingMark), Is.EqualTo(default(OptionState)));
        Assert.That(link.B.RequestRemote(TelnetOption.TimingMark, true), Has.Count.EqualTo(1), "the next mark can be sent");
    }

    [Test]
    public void RandomRequestsAndInterleavings_AlwaysSettleConsistentlyWithBoundedTraffic([Range(1, 40)] int seed)
    {
        var random = new Random(seed);
        var link = new Link(RandomPolicy(random), RandomPolicy(random));
        var requests = 0;

        for (var step = 0; step < 400; step++)
        {
            if (random.Next(3) == 0)
            {
                var end = random.Next(2) == 0 ? Link.End.A : Link.End.B;
                var negotiator = end == Link.End.A ? link.A : link.B;
                var option = Options[random.Next(Options.Length)];
                var enable = random.Next(2) == 0;
                link.Send(end, random.Next(2) == 0 ? negotiator.RequestLocal(option, enable) : negotiator.RequestRemote(option, enable));
                requests++;
            }
            else
            {
                link.DeliverOne(random);
            }
        }

        link.Drain(random);

        foreach (var option in Options)
        {
            link.AssertConsistent(option);
        }

        Assert.That(link.Messages, Is.LessThanOrEqualTo(3 * requests), "every request costs at most its own message, one answer and one queued follow-up");
        Assert.That(link.Errors, Does.Not.Contain(NegotiationError.DisableAnsweredByEnable), "two Q-method peers never answer a disable with an enable");
    }

    [Test]
    public void PeerFloodsDoDontToggles_AtMostOneReplyPerStateChange()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().AllowLocal(TelnetOption.Echo));
        int replies = 0, changes = 0;

        for (var i = 0; i < 10_000; i++)
        {
            replies += negotiator.Receive(TelnetCommand.Negotiation(i % 2 == 0 ? TelnetVerb.Do : TelnetVerb.Dont, TelnetOption.Echo), out var outcome).Count;
            changes += outcome.Change is null ? 0 : 1;
        }

        Assert.That(changes, Is.EqualTo(10_000), "each toggle flips the option");
        Assert.That(replies, Is.LessThanOrEqualTo(changes), "never more than one reply per state change");
        Assert.That(negotiator.IsLocalEnabled(TelnetOption.Echo), Is.False);
    }

    [Test]
    public void PeerFloodsWillWontToggles_AtMostOneReplyPerStateChange()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().AllowRemote(TelnetOption.Echo));
        int replies = 0, changes = 0;

        for (var i = 0; i < 10_000; i++)
        {
            replies += negotiator.Receive(TelnetCommand.Negotiation(i % 2 == 0 ? TelnetVerb.Will : TelnetVerb.Wont, TelnetOption.Echo), out var outcome).Count;
            changes += outcome.Change is null ? 0 : 1;
        }

        Assert.That(replies, Is.LessThanOrEqualTo(changes));
    }

    [TestCase(TelnetVerb.Do, 1)]
    [TestCase(TelnetVerb.Will, 1)]
    [TestCase(TelnetVerb.Dont, 0)]
    [TestCase(TelnetVerb.Wont, 0)]
    public void PeerRepeatsOneVerb_IsAnsweredOnlyWhileTheStateChanges(TelnetVerb verb, int expectedReplies)
    {
        var negotiator = new Negotiator(AllowAll);
        var replies = 0;

        for (var i = 0; i < 10_000; i++)
        {
            replies += negotiator.Receive(TelnetCommand.Negotiation(verb, TelnetOption.Echo)).Count;
        }

        Assert.That(replies, Is.EqualTo(expectedReplies));
    }

    [Test]
    public void PeerFloodsRefusedDoDont_AnswersEachDoOnceAndNoDont()
    {
        // RFC 1143: each DO for a disabled option is a new request and gets its WONT; DONT for a disabled option
        // is never answered. So the replies never exceed the peer's own messages: no amplification, no loop.
        var negotiator = new Negotiator();
        var replies = 0;

        for (var i = 0; i < 10_000; i++)
        {
            replies += negotiator.Receive(TelnetCommand.Negotiation(i % 2 == 0 ? TelnetVerb.Do : TelnetVerb.Dont, TelnetOption.Echo)).Count;
        }

        Assert.That(replies, Is.EqualTo(5_000));
        Assert.That(negotiator.GetState(TelnetOption.Echo), Is.EqualTo(default(OptionState)));
    }

    [Test]
    public void PeerFloodsAllOptions_RetainsNoMemory()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().Allow(Enumerable.Range(0, 256).Select(i => (TelnetOption)i).ToArray()));
        Flood(negotiator, 512); // warm up: JIT and the reply path

        // The heap is the process's: another test's threads can hold memory across one measurement, never across
        // every one of three, while anything that grew per message would show in each (and grow from one to the next).
        var retained = long.MaxValue;
        for (var attempt = 0; attempt < 3 && retained >= 256 * 1024; attempt++)
        {
            var before = GC.GetTotalMemory(forceFullCollection: true);
            Flood(negotiator, 100_000);
            retained = Math.Min(retained, GC.GetTotalMemory(forceFullCollection: true) - before);
        }

        Assert.That(retained, Is.LessThan(256 * 1024), "100,000 negotiations would retain megabytes if anything grew per message");
        GC.KeepAlive(negotiator);

        static void Flood(Negotiator negotiator, int count)
        {
            var verbs = new[] { TelnetVerb.Do, TelnetVerb.Will, TelnetVerb.Dont, TelnetVerb.Wont };
            for (var i = 0; i < count; i++)
            {
                negotiator.Receive(TelnetCommand.Negotiation(verbs[(i >> 8) & 3], (TelnetOption)(i & 255)));
            }
        }
    }

    private static TelnetOptionPolicy RandomPolicy(Random random)
    {
        var policy = new TelnetOptionPolicy();
        foreach (var option in Options)
        {
            policy = random.Next(2) == 0 ? policy.AllowLocal(option) : policy;
            policy = random.Next(2) == 0 ? policy.AllowRemote(option) : policy;
        }

        return policy;
    }

    /// <summary>Two negotiators joined by two in-order queues, one per direction, as TCP provides.</summary>
    private sealed class Link(TelnetOptionPolicy policyA, TelnetOptionPolicy policyB)
    {
        private readonly Queue<TelnetCommand> _toA = new();
        private readonly Queue<TelnetCommand> _toB = new();

        public enum End
        {
            A,
            B,
        }

        public Negotiator A { get; } = new(policyA);

        public Negotiator B { get; } = new(policyB);

        public int Messages { get; private set; }

        public List<NegotiationError> Errors { get; } = [];

        public void Send(End from, IReadOnlyList<TelnetCommand> commands)
        {
            foreach (var command in commands)
            {
                (from == End.A ? _toB : _toA).Enqueue(command);
                Messages++;
            }
        }

        public bool DeliverOne(Random random)
        {
            var toA = _toA.Count > 0 && (_toB.Count == 0 || random.Next(2) == 0);
            var queue = toA ? _toA : _toB;
            if (queue.Count == 0)
            {
                return false;
            }

            var receiver = toA ? A : B;
            var replies = receiver.Receive(queue.Dequeue(), out var outcome);
            if (outcome.Error != NegotiationError.None)
            {
                Errors.Add(outcome.Error);
            }

            Send(toA ? End.A : End.B, replies);
            return true;
        }

        public void Drain(Random random)
        {
            for (var guard = 0; DeliverOne(random); guard++)
            {
                Assert.That(guard, Is.LessThan(100_000), "negotiation loops");
            }
        }

        public void AssertConsistent(TelnetOption option)
        {
            var a = A.GetState(option);
            var b = B.GetState(option);
            using (Assert.EnterMultipleScope())
            {
                Assert.That(a.Local, Is.AnyOf(OptionQState.Yes, OptionQState.No), $"{option}: A's side settled");
                Assert.That(a.Remote, Is.AnyOf(OptionQState.Yes, OptionQState.No), $"{option}: B's side settled (A's view)");
                Assert.That(a.Local, Is.EqualTo(b.Remote), $"{option}: A performs it exactly when B thinks so");
                Assert.That(a.Remote, Is.EqualTo(b.Local), $"{option}: B performs it exactly when A thinks so");
                Assert.That(a.LocalQueue == OptionQueue.Empty && a.RemoteQueue == OptionQueue.Empty && b.LocalQueue == OptionQueue.Empty && b.RemoteQueue == OptionQueue.Empty, Is.True, $"{option}: no queued request left");
            }
        }
    }
}
