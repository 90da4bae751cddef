namespace RxTelnet.Tests.Negotiation;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>
/// The RFC 1143 §7 tables row by row: every state (NO, YES, WANTNO/EMPTY, WANTNO/OPPOSITE, WANTYES/EMPTY,
/// WANTYES/OPPOSITE) by every event (enable received, disable received, application enable, application disable),
/// for the remote side ("him": WILL/WONT received, DO/DONT sent) and the local side ("us": DO/DONT received,
/// WILL/WONT sent). Columns: start, event, expected state, expected reply ("" = none), change ("+" enabled,
/// "-" disabled, "" none), expected error.
/// </summary>
[TestFixture]
public sealed class NegotiatorTableTests
{
    private const TelnetOption Option = TelnetOption.Echo;

    private static readonly TelnetOptionPolicy AllowAll = new TelnetOptionPolicy().Allow(Enumerable.Range(0, 256).Select(i => (TelnetOption)i).ToArray());

    // "Upon receipt of WILL"
    [TestCase("No", "WILL", "Yes", "DO", "+", NegotiationError.None)]
    [TestCase("Yes", "WILL", "Yes", "", "", NegotiationError.None)]
    [TestCase("WantNo/Empty", "WILL", "No", "", "", NegotiationError.DisableAnsweredByEnable)]
    [TestCase("WantNo/Opposite", "WILL", "Yes", "", "+", NegotiationError.DisableAnsweredByEnable)]
    [TestCase("WantYes/Empty", "WILL", "Yes", "", "+", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "WILL", "WantNo/Empty", "DONT", "", NegotiationError.None)]

    // "Upon receipt of WONT"
    [TestCase("No", "WONT", "No", "", "", NegotiationError.None)]
    [TestCase("Yes", "WONT", "No", "DONT", "-", NegotiationError.None)]
    [TestCase("WantNo/Empty", "WONT", "No", "", "", NegotiationError.None)]
    [TestCase("WantNo/Opposite", "WONT", "WantYes/Empty", "DO", "", NegotiationError.None)]
    [TestCase("WantYes/Empty", "WONT", "No", "", "", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "WONT", "No", "", "", NegotiationError.None)]

    // "If we decide to ask him to enable"
    [TestCase("No", "enable", "WantYes/Empty", "DO", "", NegotiationError.None)]
    [TestCase("Yes", "enable", "Yes", "", "", NegotiationError.AlreadyEnabled)]
    [TestCase("WantNo/Empty", "enable", "WantNo/Opposite", "", "", NegotiationError.None)]
    [TestCase("WantNo/Opposite", "enable", "WantNo/Opposite", "", "", NegotiationError.AlreadyQueuedEnableRequest)]
    [TestCase("WantYes/Empty", "enable", "WantYes/Empty", "", "", NegotiationError.AlreadyNegotiatingForEnable)]
    [TestCase("WantYes/Opposite", "enable", "WantYes/Empty", "", "", NegotiationError.None)]

    // "If we decide to ask him to disable"
    [TestCase("No", "disable", "No", "", "", NegotiationError.AlreadyDisabled)]
    [TestCase("Yes", "disable", "WantNo/Empty", "DONT", "-", NegotiationError.None)]
    [TestCase("WantNo/Empty", "disable", "WantNo/Empty", "", "", NegotiationError.AlreadyNegotiatingForDisable)]
    [TestCase("WantNo/Opposite", "disable", "WantNo/Empty", "", "", NegotiationError.None)]
    [TestCase("WantYes/Empty", "disable", "WantYes/Opposite", "", "", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "disable", "WantYes/Opposite", "", "", NegotiationError.AlreadyQueuedDisableRequest)]
    public void Remote_StateAndEvent_FollowsRfc1143Table(string start, string evt, string expected, string reply, string change, NegotiationError error) =>
        RunRow(OptionSide.Remote, start, evt, expected, reply, change, error);

    // "Upon receipt of DO"
    [TestCase("No", "DO", "Yes", "WILL", "+", NegotiationError.None)]
    [TestCase("Yes", "DO", "Yes", "", "", NegotiationError.None)]
    [TestCase("WantNo/Empty", "DO", "No", "", "", NegotiationError.DisableAnsweredByEnable)]
    [TestCase("WantNo/Opposite", "DO", "Yes", "", "+", NegotiationError.DisableAnsweredByEnable)]
    [TestCase("WantYes/Empty", "DO", "Yes", "", "+", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "DO", "WantNo/Empty", "WONT", "", NegotiationError.None)]

    // "Upon receipt of DONT"
    [TestCase("No", "DONT", "No", "", "", NegotiationError.None)]
    [TestCase("Yes", "DONT", "No", "WONT", "-", NegotiationError.None)]
    [TestCase("WantNo/Empty", "DONT", "No", "", "", NegotiationError.None)]
    [TestCase("WantNo/Opposite", "DONT", "WantYes/Empty", "WILL", "", NegotiationError.None)]
    [TestCase("WantYes/Empty", "DONT", "No", "", "", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "DONT", "No", "", "", NegotiationError.None)]

    // "If we decide to ask us to enable"
    [TestCase("No", "enable", "WantYes/Empty", "WILL", "", NegotiationError.None)]
    [TestCase("Yes", "enable", "Yes", "", "", NegotiationError.AlreadyEnabled)]
    [TestCase("WantNo/Empty", "enable", "WantNo/Opposite", "", "", NegotiationError.None)]
    [TestCase("WantNo/Opposite", "enable", "WantNo/Opposite", "", "", NegotiationError.AlreadyQueuedEnableRequest)]
    [TestCase("WantYes/Empty", "enable", "WantYes/Empty", "", "", NegotiationError.AlreadyNegotiatingForEnable)]
    [TestCase("WantYes/Opposite", "enable", "WantYes/Empty", "", "", NegotiationError.None)]

    // "If we decide to ask us to disable"
    [TestCase("No", "disable", "No", "", "", NegotiationError.AlreadyDisabled)]
    [TestCase("Yes", "disable", "WantNo/Empty", "WONT", "-", NegotiationError.None)]
    [TestCase("WantNo/Empty", "disable", "WantNo/Empty", "", "", NegotiationError.AlreadyNegotiatingForDisable)]
    [TestCase("WantNo/Opposite", "disable", "WantNo/Empty", "", "", NegotiationError.None)]
    [TestCase("WantYes/Empty", "disable", "WantYes/Opposite", "", "", NegotiationError.None)]
    [TestCase("WantYes/Opposite", "disable", "WantYes/Opposite", "", "", NegotiationError.AlreadyQueuedDisableRequest)]
    public void Local_StateAndEvent_FollowsRfc1143Table(string start, string evt, string expected, string reply, string change, NegotiationError error) =>
        RunRow(OptionSide.Local, start, evt, expected, reply, change, error);

    [TestCase("No")]
    [TestCase("Yes")]
    [TestCase("WantNo/Empty")]
    [TestCase("WantNo/Opposite")]
    [TestCase("WantYes/Empty")]
    [TestCase("WantYes/Opposite")]
    public void Receive_VerbForTheOtherSide_LeavesThisSideAlone(string start)
    {
        foreach (var side in new[] { OptionSide.Local, OptionSide.Remote })
        {
            foreach (var verb in side == OptionSide.Local ? new[] { TelnetVerb.Will, TelnetVerb.Wont } : new[] { TelnetVerb.Do, TelnetVerb.Dont })
            {
                var negotiator = new Negotiator(AllowAll);
                DriveTo(negotiator, side, start);
                var before = negotiator.GetState(Option);

                negotiator.Receive(TelnetCommand.Negotiation(verb, Option));

                var after = negotiator.GetState(Option);
                Assert.That((after.StateOf(side), after.QueueOf(side)), Is.EqualTo((before.StateOf(side), before.QueueOf(side))), $"{verb} concerns the other side of {side} in {start}");
            }
        }
    }

    [Test]
    public void Receive_OtherOptions_AreUntouched()
    {
        var negotiator = new Negotiator(AllowAll);
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Do, Option));
        negotiator.Receive(TelnetCommand.Negotiation(TelnetVerb.Will, Option));

        for (var i = 0; i < 256; i++)
        {
            if ((TelnetOption)i != Option)
            {
                Assert.That(negotiator.GetState((TelnetOption)i), Is.EqualTo(default(OptionState)), $"option {i} was never negotiated");
            }
        }
    }

    internal static (OptionQState State, OptionQueue Queue) ParseState(string text)
    {
        var parts = text.Split('/');
        return (Enum.Parse<OptionQState>(parts[0]), parts.Length > 1 ? Enum.Parse<OptionQueue>(parts[1]) : OptionQueue.Empty);
    }

    /// <summary>Reaches a state through the public API only, which also shows every state is reachable.</summary>
    internal static void DriveTo(Negotiator negotiator, OptionSide side, string state, TelnetOption option = Option)
    {
        var enableVerb = side == OptionSide.Local ? TelnetVerb.Do : TelnetVerb.Will;
        void Request(bool enable)
        {
            if (side == OptionSide.Local)
            {
                negotiator.RequestLocal(option, enable);
            }
            else
            {
                negotiator.RequestRemote(option, enable);
            }
        }

        void ToYes()
        {
            Request(true);
            negotiator.Receive(TelnetCommand.Negotiation(enableVerb, option));
        }

        switch (state)
        {
            case "No":
                break;
            case "Yes":
                ToYes();
                break;
            case "WantYes/Empty":
                Request(true);
                break;
            case "WantYes/Opposite":
                Request(true);
                Request(false);
                break;
            case "WantNo/Empty":
                ToYes();
                Request(false);
                break;
            case "WantNo/Opposite":
                ToYes();
                Request(false);
                Request(true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown state.");
        }

        var reached = negotiator.GetState(option);
        Assert.That((reached.StateOf(side), reached.QueueOf(side)), Is.EqualTo(ParseState(state)), $"setting up {side} {state}");
    }

    private static void RunRow(OptionSide side, string start, string evt, string expected, string reply, string change, NegotiationError error)
    {
        var negotiator = new Negotiator(AllowAll);
        DriveTo(negotiator, side, start);
        var before = ParseState(start).State;

        NegotiationOutcome outcome;
        var replies = evt switch
        {
            "enable" => side == OptionSide.Local ? negotiator.RequestLocal(Option, true, out outcome) : negotiator.RequestRemote(Option, true, out outcome),
            "disable" => side == OptionSide.Local ? negotiator.RequestLocal(Option, false, out outcome) : negotiator.RequestRemote(Option, false, out outcome),
            _ => negotiator.Receive(TelnetCommand.Negotiation(Enum.Parse<TelnetVerb>(evt, ignoreCase: true), Option), out outcome),
        };

        var state = negotiator.GetState(Option);
        var expectedReplies = reply.Length == 0
            ? Array.Empty<TelnetCommand>()
            : new[] { TelnetCommand.Negotiation(Enum.Parse<TelnetVerb>(reply, ignoreCase: true), Option) };
        OptionChange? expectedChange = change switch
        {
            "+" => new OptionChange(Option, side, true),
            "-" => new OptionChange(Option, side, false),
            _ => null,
        };

        using (Assert.EnterMultipleScope())
        {
            Assert.That((state.StateOf(side), state.QueueOf(side)), Is.EqualTo(ParseState(expected)), "next state");
            Assert.That(replies, Is.EqualTo(expectedReplies), "replies");
            Assert.That(outcome, Is.EqualTo(new NegotiationOutcome(Option, side, before, ParseState(expected).State, error)), "outcome");
            Assert.That(outcome.Change, Is.EqualTo(expectedChange), "change");
            Assert.That(side == OptionSide.Local ? negotiator.IsLocalEnabled(Option) : negotiator.IsRemoteEnabled(Option), Is.EqualTo(ParseState(expected).State == OptionQState.Yes), "IsEnabled");
        }
    }
}
