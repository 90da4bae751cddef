namespace RxTelnet.Tests.Negotiation;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>
/// RFC 1143 §7 as data: the RFC's own table, transcribed once for "him" (the remote side: WILL/WONT received,
/// DO/DONT sent) and once for "us" (the local side: DO/DONT received, WILL/WONT sent), checked cell by cell for every
/// state (NO, YES, WANTNO and WANTYES with an EMPTY or OPPOSITE queue), every event and both answers of the policy.
/// </summary>
/// <remarks>
/// The only cell where the policy matters is NO on receipt of WILL/DO ("If we agree that he should enable"); every
/// other cell must come out the same whether the policy allows the option or refuses it, and the table says so with
/// <c>any</c>. The policy under test always answers the other way for the other side of the same option, so a
/// negotiator that consulted the wrong side would fail. This implementation queues requests, so the RFC's "If we are
/// queueing requests, himq=OPPOSITE" cells take that branch; the "cannot initiate new request" error never occurs.
/// </remarks>
[TestFixture]
public sealed class Rfc1143TableTests
{
    private const TelnetOption Option = TelnetOption.SuppressGoAhead;

    /// <summary>
    /// Columns: side, event, state (STATE or STATE/QUEUE), policy (allowed, refused, any), next state, verb sent (- for
    /// none), error (- for none). The error names are the RFC's: "Error: DONT answered by WILL" and so on.
    /// </summary>
    private const string Table = """
        # Upon receipt of WILL, we choose based upon him and himq:
        him  WILL     NO               allowed  YES              DO    -
        him  WILL     NO               refused  NO               DONT  -
        him  WILL     YES              any      YES              -     -
        him  WILL     WANTNO/EMPTY     any      NO               -     DisableAnsweredByEnable
        him  WILL     WANTNO/OPPOSITE  any      YES              -     DisableAnsweredByEnable
        him  WILL     WANTYES/EMPTY    any      YES              -     -
        him  WILL     WANTYES/OPPOSITE any      WANTNO/EMPTY     DONT  -
        # Upon receipt of WONT, we choose based upon him and himq:
        him  WONT     NO               any      NO               -     -
        him  WONT     YES              any      NO               DONT  -
        him  WONT     WANTNO/EMPTY     any      NO               -     -
        him  WONT     WANTNO/OPPOSITE  any      WANTYES/EMPTY    DO    -
        him  WONT     WANTYES/EMPTY    any      NO               -     -
        him  WONT     WANTYES/OPPOSITE any      NO               -     -
        # If we decide to ask him to enable:
        him  enable   NO               any      WANTYES/EMPTY    DO    -
        him  enable   YES              any      YES              -     AlreadyEnabled
        him  enable   WANTNO/EMPTY     any      WANTNO/OPPOSITE  -     -
        him  enable   WANTNO/OPPOSITE  any      WANTNO/OPPOSITE  -     AlreadyQueuedEnableRequest
        him  enable   WANTYES/EMPTY    any      WANTYES/EMPTY    -     AlreadyNegotiatingForEnable
        him  enable   WANTYES/OPPOSITE any      WANTYES/EMPTY    -     -
        # If we decide to ask him to disable:
        him  disable  NO               any      NO               -     AlreadyDisabled
        him  disable  YES              any      WANTNO/EMPTY     DONT  -
        him  disable  WANTNO/EMPTY     any      WANTNO/EMPTY     -     AlreadyNegotiatingForDisable
        him  disable  WANTNO/OPPOSITE  any      WANTNO/EMPTY     -     -
        him  disable  WANTYES/EMPTY    any      WANTYES/OPPOSITE -     -
        him  disable  WANTYES/OPPOSITE any      WANTYES/OPPOSITE -     AlreadyQueuedDisableRequest
        # "We handle the option on our side by the same procedures, with DO-WILL, DONT-WONT, him-us, himq-usq swapped."
        us   DO       NO               allowed  YES              WILL  -
        us   DO       NO               refused  NO               WONT  -
        us   DO       YES              any      YES              -     -
        us   DO       WANTNO/EMPTY     any      NO               -     DisableAnsweredByEnable
        us   DO       WANTNO/OPPOSITE  any      YES              -     DisableAnsweredByEnable
        us   DO       WANTYES/EMPTY    any      YES              -     -
        us   DO       WANTYES/OPPOSITE any      WANTNO/EMPTY     WONT  -
        us   DONT     NO               any      NO               -     -
        us   DONT     YES              any      NO               WONT  -
        us   DONT     WANTNO/EMPTY     any      NO               -     -
        us   DONT     WANTNO/OPPOSITE  any      WANTYES/EMPTY    WILL  -
        us   DONT     WANTYES/EMPTY    any      NO               -     -
        us   DONT     WANTYES/OPPOSITE any      NO               -     -
        us   enable   NO               any      WANTYES/EMPTY    WILL  -
        us   enable   YES              any      YES              -     AlreadyEnabled
        us   enable   WANTNO/EMPTY     any      WANTNO/OPPOSITE  -     -
        us   enable   WANTNO/OPPOSITE  any      WANTNO/OPPOSITE  -     AlreadyQueuedEnableRequest
        us   enable   WANTYES/EMPTY    any      WANTYES/EMPTY    -     AlreadyNegotiatingForEnable
        us   enable   WANTYES/OPPOSITE any      WANTYES/EMPTY    -     -
        us   disable  NO               any      NO               -     AlreadyDisabled
        us   disable  YES              any      WANTNO/EMPTY     WONT  -
        us   disable  WANTNO/EMPTY     any      WANTNO/EMPTY     -     AlreadyNegotiatingForDisable
        us   disable  WANTNO/OPPOSITE  any      WANTNO/EMPTY     -     -
        us   disable  WANTYES/EMPTY    any      WANTYES/OPPOSITE -     -
        us   disable  WANTYES/OPPOSITE any      WANTYES/OPPOSITE -     AlreadyQueuedDisableRequest
        """;

    private static readonly string[] States = ["NO", "YES", "WANTNO/EMPTY", "WANTNO/OPPOSITE", "WANTYES/EMPTY", "WANTYES/OPPOSITE"];

    /// <summary>One cell of the table, with <c>any</c> expanded into both answers of the policy.</summary>
    public sealed record Cell(OptionSide Side, string Event, string State, bool Allowed, string Next, TelnetVerb? Send, NegotiationError Error)
    {
        public override string ToString() =>
            $"{(Side == OptionSide.Remote ? "him" : "us")} {State} {Event} ({(Allowed ? "allowed" : "refused")}) -> {Next} {Send?.ToString() ?? "-"} {Error}";
    }

    public static IEnumerable<TestCaseData> Cells() =>
        Parse().Select(cell => new TestCaseData(cell).SetArgDisplayNames(cell.ToString()));

    [Test]
    public void Table_CoversEveryStateEventAndPolicyOfBothSidesExactlyOnce()
    {
        var cells = Parse().Select(c => (c.Side, c.Event, c.State, c.Allowed)).ToList();
        var expected =
            from side in new[] { OptionSide.Remote, OptionSide.Local }
            from evt in side == OptionSide.Remote ? new[] { "WILL", "WONT", "enable", "disable" } : ["DO", "DONT", "enable", "disable"]
            from state in States
            from allowed in new[] { true, false }
            select (side, evt, state, allowed);

        Assert.That(cells, Is.EquivalentTo(expected).And.Unique, "6 states x 4 events x 2 policies x 2 sides = 96 cells");
    }

    [TestCaseSource(nameof(Cells))]
    public void Negotiator_InEveryState_FollowsTheRfcTable(Cell cell)
    {
        var policy = PolicyFor(cell.Side, cell.Allowed);
        var negotiator = new Negotiator(policy);
        NegotiatorTableTests.DriveTo(negotiator, cell.Side, Pascal(cell.State), Option);
        var other = negotiator.GetState(Option);
        var (beforeState, _) = NegotiatorTableTests.ParseState(Pascal(cell.State));

        NegotiationOutcome outcome;
        var sent = cell.Event switch
        {
            "enable" when cell.Side == OptionSide.Local => negotiator.RequestLocal(Option, true, out outcome),
            "enable" => negotiator.RequestRemote(Option, true, out outcome),
            "disable" when cell.Side == OptionSide.Local => negotiator.RequestLocal(Option, false, out outcome),
            "disable" => negotiator.RequestRemote(Option, false, out outcome),
            _ => negotiator.Receive(TelnetCommand.Negotiation(Enum.Parse<TelnetVerb>(cell.Event, ignoreCase: true), Option), out outcome),
        };

        var after = negotiator.GetState(Option);
        var (nextState, nextQueue) = NegotiatorTableTests.ParseState(Pascal(cell.Next));
        var otherSide = cell.Side == OptionSide.Local ? OptionSide.Remote : OptionSide.Local;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(after.StateOf(cell.Side), Is.EqualTo(nextState), "next state");
            Assert.That(after.QueueOf(cell.Side), Is.EqualTo(nextQueue), "next queue bit");
            Assert.That(sent, Is.EqualTo(cell.Send is { } verb ? new[] { TelnetCommand.Negotiation(verb, Option) } : Array.Empty<TelnetCommand>()), "what is sent");
            Assert.That(outcome.Error, Is.EqualTo(cell.Error), "error reported");
            Assert.That(outcome, Is.EqualTo(new NegotiationOutcome(Option, cell.Side, beforeState, nextState, cell.Error)), "the outcome names the option, the side and both states");
            Assert.That((after.StateOf(otherSide), after.QueueOf(otherSide)), Is.EqualTo((other.StateOf(otherSide), other.QueueOf(otherSide))), "the other side is untouched");
            Assert.That(negotiator.Policy, Is.SameAs(policy), "negotiating never changes the policy");
        }
    }

    [Test]
    public void RefuseLocal_LeavesTheRemoteAllowanceAndOtherOptionsAlone()
    {
        var all = new TelnetOptionPolicy().Allow(Option, TelnetOption.Echo);

        var refused = all.RefuseLocal(Option);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.IsLocalAllowed(Option), Is.False, "refused on our side");
            Assert.That(refused.IsRemoteAllowed(Option), Is.True, "the peer may still perform it");
            Assert.That(refused.IsLocalAllowed(TelnetOption.Echo) && refused.IsRemoteAllowed(TelnetOption.Echo), Is.True, "other options keep both sides");
            Assert.That(all.IsLocalAllowed(Option), Is.True, "the source policy is unchanged");
        }

        var negotiator = new Negotiator(refused);
        Assert.That(negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, Option)), Is.EqualTo(new[] { TelnetCommand.Negotiation(TelnetVerb.Wont, Option) }), "DO refused");
        Assert.That(negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Will, Option)), Is.EqualTo(new[] { TelnetCommand.Negotiation(TelnetVerb.Do, Option) }), "WILL still accepted");
    }

    [Test]
    public void RefuseRemote_LeavesTheLocalAllowanceAndOtherOptionsAlone()
    {
        var all = new TelnetOptionPolicy().Allow(Option, TelnetOption.Echo);

        var refused = all.RefuseRemote(Option);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(refused.IsRemoteAllowed(Option), Is.False, "refused on the peer's side");
            Assert.That(refused.IsLocalAllowed(Option), Is.True, "we may still perform it");
            Assert.That(refused.IsLocalAllowed(TelnetOption.Echo) && refused.IsRemoteAllowed(TelnetOption.Echo), Is.True, "other options keep both sides");
            Assert.That(all.IsRemoteAllowed(Option), Is.True, "the source policy is unchanged");
        }

        var negotiator = new Negotiator(refused);
        Assert.That(negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Will, Option)), Is.EqualTo(new[] { TelnetCommand.Negotiation(TelnetVerb.Dont, Option) }), "WILL refused");
        Assert.That(negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, Option)), Is.EqualTo(new[] { TelnetCommand.Negotiation(TelnetVerb.Will, Option) }), "DO still accepted");
    }

    [TestCase(0)]
    [TestCase(63)]
    [TestCase(64)]
    [TestCase(200)]
    [TestCase(255)]
    public void Policy_EachSideAndOption_IsItsOwnBit(int number)
    {
        var option = (TelnetOption)number;
        var neighbours = new[] { number - 1, number + 1, number ^ 64 }.Where(n => n is >= 0 and <= 255).Select(n => (TelnetOption)n).ToArray();

        var local = new TelnetOptionPolicy().AllowLocal(option);
        var remote = new TelnetOptionPolicy().AllowRemote(option);

        using (Assert.EnterMultipleScope())
        {
            Assert.That((local.IsLocalAllowed(option), local.IsRemoteAllowed(option)), Is.EqualTo((true, false)), "AllowLocal");
            Assert.That((remote.IsLocalAllowed(option), remote.IsRemoteAllowed(option)), Is.EqualTo((false, true)), "AllowRemote");
            Assert.That(neighbours.Any(n => local.IsLocalAllowed(n) || remote.IsRemoteAllowed(n)), Is.False, "no other option's bit is set");
        }
    }

    [Test]
    public void Reset_ReportsEveryEnabledSideAndForgetsEveryState()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().Allow(TelnetOption.Echo, TelnetOption.Naws, (TelnetOption)255));
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.Echo));
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Will, TelnetOption.Naws));
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, (TelnetOption)255));
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Will, (TelnetOption)255));
        negotiator.RequestLocal(TelnetOption.TerminalType, true);

        var changes = negotiator.Reset();

        Assert.That(changes, Is.EqualTo(new[]
        {
            new OptionChange(TelnetOption.Echo, OptionSide.Local, false),
            new OptionChange(TelnetOption.Naws, OptionSide.Remote, false),
            new OptionChange((TelnetOption)255, OptionSide.Local, false),
            new OptionChange((TelnetOption)255, OptionSide.Remote, false),
        }), "in option order, our side first; a side still negotiating was never enabled");
        Assert.That(Enumerable.Range(0, 256).All(i => negotiator.GetState((TelnetOption)i) == default), Is.True, "every option of both sides is back at NO/EMPTY");
        Assert.That(negotiator.Reset(), Is.Empty, "nothing left to report");
        Assert.That(negotiator.RequestLocal(TelnetOption.TerminalType, true), Is.EqualTo(new[] { TelnetCommand.Negotiation(TelnetVerb.Will, TelnetOption.TerminalType) }), "a request in flight was forgotten too");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void TimingMark_DoCrossingOurWill_AnswersItAndReturnsToNo(bool allowed)
    {
        var negotiator = new Negotiator(allowed ? new TelnetOptionPolicy().AllowLocal(TelnetOption.TimingMark) : new TelnetOptionPolicy());
        negotiator.RequestLocal(TelnetOption.TimingMark, true);

        var sent = negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.TimingMark), out var outcome);

        Assert.That(sent, Is.Empty, "our WILL already answers it");
        Assert.That(outcome, Is.EqualTo(new NegotiationOutcome(TelnetOption.TimingMark, OptionSide.Local, OptionQState.WantYes, OptionQState.No, NegotiationError.None)));
    }

    [TestCase(OptionQState.Yes, OptionQState.No, true, false)]
    [TestCase(OptionQState.No, OptionQState.Yes, false, true)]
    [TestCase(OptionQState.WantYes, OptionQState.WantNo, false, false)]
    public void OptionState_EnabledOnlyAtYes_AndReadsEachSide(OptionQState local, OptionQState remote, bool localEnabled, bool remoteEnabled)
    {
        var state = new OptionState(local, OptionQueue.Opposite, remote, OptionQueue.Empty);

        Assert.That((state.IsLocalEnabled, state.IsRemoteEnabled), Is.EqualTo((localEnabled, remoteEnabled)));
        Assert.That((state.StateOf(OptionSide.Local), state.StateOf(OptionSide.Remote)), Is.EqualTo((local, remote)));
        Assert.That((state.QueueOf(OptionSide.Local), state.QueueOf(OptionSide.Remote)), Is.EqualTo((OptionQueue.Opposite, OptionQueue.Empty)));
    }

    [TestCase(OptionQState.No, OptionQState.Yes, true)]
    [TestCase(OptionQState.WantYes, OptionQState.Yes, true)]
    [TestCase(OptionQState.Yes, OptionQState.No, false)]
    [TestCase(OptionQState.Yes, OptionQState.WantNo, false)]
    [TestCase(OptionQState.No, OptionQState.WantYes, null)]
    [TestCase(OptionQState.Yes, OptionQState.Yes, null)]
    [TestCase(OptionQState.WantNo, OptionQState.No, null)]
    public void NegotiationOutcome_Change_OnlyWhenEnteringOrLeavingYes(OptionQState before, OptionQState after, bool? enabled)
    {
        var outcome = new NegotiationOutcome(TelnetOption.Naws, OptionSide.Remote, before, after, NegotiationError.None);

        Assert.That(outcome.Change, Is.EqualTo(enabled is { } on ? new OptionChange(TelnetOption.Naws, OptionSide.Remote, on) : (OptionChange?)null));
    }

    /// <summary>A policy whose answer for this side is <paramref name="allowed"/> and for the other side the opposite.</summary>
    private static TelnetOptionPolicy PolicyFor(OptionSide side, bool allowed) =>
        (side == OptionSide.Local) == allowed
            ? new TelnetOptionPolicy().AllowLocal(Option)
            : new TelnetOptionPolicy().AllowRemote(Option);

    private static string Pascal(string state) => string.Join('/', state.Split('/').Select(part => part[0] + part[1..].ToLowerInvariant()))
        .Replace("Wantno", "WantNo", StringComparison.Ordinal)
        .Replace("Wantyes", "WantYes", StringComparison.Ordinal);

    private static IEnumerable<Cell> Parse()
    {
        foreach (var line in Table.Split('\n'))
        {
            var text = line.Trim();
            if (text.Length == 0 || text[0] == '#')
            {
                continue;
            }

            var f = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.That(f, Has.Length.EqualTo(7), text);
            var side = f[0] == "him" ? OptionSide.Remote : OptionSide.Local;
            TelnetVerb? send = f[5] == "-" ? null : Enum.Parse<TelnetVerb>(f[5], ignoreCase: true);
            var error = f[6] == "-" ? NegotiationError.None : Enum.Parse<NegotiationError>(f[6]);
            foreach (var allowed in f[3] switch { "allowed" => new[] { true }, "refused" => [false], _ => [true, false] })
            {
                yield return new Cell(side, f[1], f[2], allowed, f[4], send, error);
            }
        }
    }
}
