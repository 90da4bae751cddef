namespace RxTelnet.Tests.Negotiation;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

[TestFixture]
public sealed class NegotiatorPolicyTests
{
    private static TelnetCommand Cmd(TelnetVerb verb, TelnetOption option) => TelnetCommand.Negotiation(verb, option);

    [Test]
    public void Receive_NotANegotiation_ThrowsSayingWhatIs()
    {
        var negotiator = new Negotiator();
        foreach (var command in new[] { TelnetCommand.Simple(TelnetVerb.Nop), TelnetCommand.Subnegotiation(TelnetOption.Naws, new byte[] { 0, 80, 0, 24 }) })
        {
            var error = Assert.Throws<ArgumentException>(() => negotiator.Receive(command, out _));
            Assert.That(error!.Message, Does.StartWith("Only WILL, WONT, DO and DONT with an option are negotiations."));
            Assert.That(error.ParamName, Is.EqualTo("negotiation"));
        }
    }

    [Test]
    public void Policy_Default_RefusesEveryOptionOnBothSides()
    {
        var policy = new TelnetOptionPolicy();
        for (var i = 0; i < 256; i++)
        {
            Assert.That(policy.IsLocalAllowed((TelnetOption)i) || policy.IsRemoteAllowed((TelnetOption)i), Is.False, $"option {i}");
        }

        Assert.That(TelnetOptionPolicy.RefuseAll.IsLocalAllowed(TelnetOption.Echo), Is.False);
    }

    [Test]
    public void Policy_Builders_ReturnNewPoliciesAndLeaveTheOriginalUnchanged()
    {
        var original = new TelnetOptionPolicy();
        var local = original.AllowLocal(TelnetOption.Naws, TelnetOption.TerminalType);
        var remote = local.AllowRemote(TelnetOption.Echo);
        var both = remote.Allow(TelnetOption.ExtendedOptionsList);
        var refused = both.RefuseLocal(TelnetOption.Naws).RefuseRemote(TelnetOption.Echo);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(original.IsLocalAllowed(TelnetOption.Naws), Is.False, "builders do not mutate");
            Assert.That(local.IsLocalAllowed(TelnetOption.Naws) && local.IsLocalAllowed(TelnetOption.TerminalType), Is.True);
            Assert.That(local.IsRemoteAllowed(TelnetOption.Naws), Is.False, "AllowLocal is one side only");
            Assert.That(remote.IsRemoteAllowed(TelnetOption.Echo) && !remote.IsLocalAllowed(TelnetOption.Echo), Is.True);
            Assert.That(both.IsLocalAllowed(TelnetOption.ExtendedOptionsList) && both.IsRemoteAllowed(TelnetOption.ExtendedOptionsList), Is.True, "option 255 is in range");
            Assert.That(refused.IsLocalAllowed(TelnetOption.Naws), Is.False);
            Assert.That(refused.IsLocalAllowed(TelnetOption.TerminalType), Is.True, "refusing one option keeps the others");
            Assert.That(refused.IsRemoteAllowed(TelnetOption.Echo), Is.False);
            Assert.That(both.IsRemoteAllowed(TelnetOption.Echo), Is.True, "RefuseRemote did not mutate its source");
        }
    }

    [Test]
    public void Policy_NullOptions_ThrowsNamingTheParameter()
    {
        var policy = new TelnetOptionPolicy();
        Assert.That(() => policy.AllowLocal(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => policy.AllowRemote(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => policy.Allow(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => policy.RefuseLocal(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
        Assert.That(() => policy.RefuseRemote(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("options"));
    }

    [Test]
    public void Receive_WillForRefusedRemoteOption_RepliesDontAndStaysNo()
    {
        var negotiator = new Negotiator();

        var replies = negotiator.Receive(Cmd(TelnetVerb.Will, TelnetOption.Echo), out var outcome);

        Assert.That(replies, Is.EqualTo(new[] { Cmd(TelnetVerb.Dont, TelnetOption.Echo) }));
        Assert.That(negotiator.GetState(TelnetOption.Echo), Is.EqualTo(default(OptionState)));
        Assert.That(outcome.Change, Is.Null, "a refusal changes nothing");
    }

    [Test]
    public void Receive_DoForRefusedLocalOption_RepliesWontAndStaysNo()
    {
        var negotiator = new Negotiator();

        var replies = negotiator.Receive(Cmd(TelnetVerb.Do, TelnetOption.Naws));

        Assert.That(replies, Is.EqualTo(new[] { Cmd(TelnetVerb.Wont, TelnetOption.Naws) }));
        Assert.That(negotiator.IsLocalEnabled(TelnetOption.Naws), Is.False);
    }

    [TestCase(TelnetVerb.Wont)]
    [TestCase(TelnetVerb.Dont)]
    public void Receive_DisableForDisabledOption_NeverReplies(TelnetVerb verb)
    {
        var negotiator = new Negotiator();

        Assert.That(negotiator.Receive(Cmd(verb, TelnetOption.Echo)), Is.Empty, "answering would let two refusing peers loop");
    }

    [Test]
    public void Receive_PolicyIsPerSide_LocalAllowedDoesNotAcceptWill()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().AllowLocal(TelnetOption.Naws));

        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Do, TelnetOption.Naws)), Is.EqualTo(new[] { Cmd(TelnetVerb.Will, TelnetOption.Naws) }));
        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Will, TelnetOption.Naws)), Is.EqualTo(new[] { Cmd(TelnetVerb.Dont, TelnetOption.Naws) }));
        Assert.That(negotiator.IsLocalEnabled(TelnetOption.Naws) && !negotiator.IsRemoteEnabled(TelnetOption.Naws), Is.True);
    }

    [Test]
    public void Policy_ChangedAtRuntime_AppliesToLaterRequestsOnly()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().AllowRemote(TelnetOption.Echo));
        negotiator.Receive(Cmd(TelnetVerb.Will, TelnetOption.Echo));

        negotiator.Policy = TelnetOptionPolicy.RefuseAll;

        Assert.That(negotiator.IsRemoteEnabled(TelnetOption.Echo), Is.True, "an enabled option stays enabled");
        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Will, TelnetOption.SuppressGoAhead)), Is.EqualTo(new[] { Cmd(TelnetVerb.Dont, TelnetOption.SuppressGoAhead) }));
    }

    [Test]
    public void Request_IgnoresPolicy_TheApplicationDecides()
    {
        var negotiator = new Negotiator();

        Assert.That(negotiator.RequestLocal(TelnetOption.Naws, true), Is.EqualTo(new[] { Cmd(TelnetVerb.Will, TelnetOption.Naws) }));
        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Do, TelnetOption.Naws)), Is.Empty, "DO answers our WILL");
        Assert.That(negotiator.IsLocalEnabled(TelnetOption.Naws), Is.True);
    }

    [Test]
    public void Negotiator_NullPolicy_ThrowsNamingTheParameter()
    {
        Assert.That(() => new Negotiator(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("policy"));
        Assert.That(() => new Negotiator().Policy = null!, Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
    }

    [Test]
    public void Receive_NotANegotiation_ThrowsNamingTheParameter()
    {
        var negotiator = new Negotiator();
        Assert.That(() => negotiator.Receive(TelnetCommand.Simple(TelnetVerb.Nop)), Throws.ArgumentException.With.Property("ParamName").EqualTo("negotiation"));
        Assert.That(() => negotiator.Receive(TelnetCommand.Subnegotiation(TelnetOption.Naws, new byte[4])), Throws.ArgumentException.With.Property("ParamName").EqualTo("negotiation"));
        Assert.That(() => negotiator.Receive(new TelnetCommand(TelnetVerb.Do)), Throws.ArgumentException.With.Property("ParamName").EqualTo("negotiation"), "DO without an option");
    }

    [Test]
    public void Receive_UnknownOptionNumber_IsNegotiatedLikeAnyOther()
    {
        var option = (TelnetOption)200;
        var negotiator = new Negotiator(new TelnetOptionPolicy().Allow(option));

        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Do, option)), Is.EqualTo(new[] { Cmd(TelnetVerb.Will, option) }));
    }

    [Test]
    public void TimingMark_EveryDo_IsAnsweredAndTheOptionStaysDisabled()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().AllowLocal(TelnetOption.TimingMark));
        for (var i = 0; i < 3; i++)
        {
            var replies = negotiator.Receive(Cmd(TelnetVerb.Do, TelnetOption.TimingMark), out var outcome);

            Assert.That(replies, Is.EqualTo(new[] { Cmd(TelnetVerb.Will, TelnetOption.TimingMark) }), $"mark {i} answered (RFC 860)");
            Assert.That(outcome.Change, Is.Null);
            Assert.That(negotiator.GetState(TelnetOption.TimingMark).Local, Is.EqualTo(OptionQState.No));
        }

        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Dont, TelnetOption.TimingMark)), Is.Empty);
    }

    [Test]
    public void TimingMark_RefusedByPolicy_EveryDoIsAnsweredWont()
    {
        var negotiator = new Negotiator();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(negotiator.Receive(Cmd(TelnetVerb.Do, TelnetOption.TimingMark)), Is.EqualTo(new[] { Cmd(TelnetVerb.Wont, TelnetOption.TimingMark) }));
        }
    }

    [TestCase(TelnetVerb.Will)]
    [TestCase(TelnetVerb.Wont)]
    public void TimingMark_OurDoAnswered_ReturnsToNoSoTheNextMarkCanBeSent(TelnetVerb answer)
    {
        var negotiator = new Negotiator();
        for (var i = 0; i < 3; i++)
        {
            Assert.That(negotiator.RequestRemote(TelnetOption.TimingMark, true), Is.EqualTo(new[] { Cmd(TelnetVerb.Do, TelnetOption.TimingMark) }), $"mark {i} sent");
            Assert.That(negotiator.RequestRemote(TelnetOption.TimingMark, true), Is.Empty, "one mark in flight at a time");

            var replies = negotiator.Receive(Cmd(answer, TelnetOption.TimingMark), out var outcome);

            Assert.That(replies, Is.Empty);
            Assert.That(outcome, Is.EqualTo(new NegotiationOutcome(TelnetOption.TimingMark, OptionSide.Remote, OptionQState.WantYes, OptionQState.No, NegotiationError.None)));
        }
    }

    [Test]
    public void TimingMark_UnsolicitedWill_IsRefused()
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().Allow(TelnetOption.TimingMark));

        Assert.That(negotiator.Receive(Cmd(TelnetVerb.Will, TelnetOption.TimingMark)), Is.EqualTo(new[] { Cmd(TelnetVerb.Dont, TelnetOption.TimingMark) }));
        Assert.That(negotiator.GetState(TelnetOption.TimingMark).Remote, Is.EqualTo(OptionQState.No));
    }
}
