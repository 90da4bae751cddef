namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The typed option streams (GMCP, MSSP, COM-PORT, MSDP) carry a peer's subnegotiation only while its option is
/// agreed on either side (RFC 855), judged at the subnegotiation's place in the stream; <c>Commands</c> still
/// carries every one. A session whose application answers negotiations itself keeps no option state, and passes all.
/// </summary>
[TestFixture]
public sealed class OptionStreamGatingTests
{
    private const byte Iac = (byte)TelnetVerb.Iac;

    private static byte[] Sb(TelnetOption option, string payload) =>
        [Iac, (byte)TelnetVerb.Sb, (byte)option, .. Encoding.Latin1.GetBytes(payload), Iac, (byte)TelnetVerb.Se];

    private static byte[] Neg(TelnetVerb verb, TelnetOption option) => [Iac, (byte)verb, (byte)option];

    /// <summary>The peer's bytes arrive as one chunk at tick 10; returns the session, started.</summary>
    private static (TestScheduler Scheduler, TelnetSession Session, List<TelnetCommand> Commands) Session(TelnetOptionPolicy policy, byte[] peer, bool callback = false)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(ReactiveTest.OnNext(10, peer)));
        var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler, Policy = policy });
        if (callback)
        {
            session.SetOptionNegotiationCallback(static _ => { });
        }

        var commands = new List<TelnetCommand>();
        session.Commands.Where(static c => c.IsSubnegotiation).Subscribe(commands.Add);
        return (scheduler, session, commands);
    }

    [Test]
    public void GmcpMessages_OnlyWhileTheOptionIsAgreed_AtTheirPlaceInTheStream()
    {
        // Before any negotiation, after the peer's WILL (we answer DO), after its WONT: one chunk, so the state at
        // the end would pass or drop all three alike.
        byte[] peer =
        [
            .. Sb(TelnetOption.Gmcp, "Core.Before {}"),
            .. Neg(TelnetVerb.Will, TelnetOption.Gmcp),
            .. Sb(TelnetOption.Gmcp, "Core.During {}"),
            .. Neg(TelnetVerb.Wont, TelnetOption.Gmcp),
            .. Sb(TelnetOption.Gmcp, "Core.After {}"),
        ];
        var (scheduler, session, commands) = Session(TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Gmcp), peer);
        var messages = new List<GmcpMessage>();
        session.GmcpMessages.Subscribe(messages.Add);
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(messages.Select(static m => m.Package), Is.EqualTo(new[] { "Core.During" }));
        Assert.That(commands, Has.Count.EqualTo(3), "Commands carries every subnegotiation");
        session.Dispose();
    }

    [Test]
    public void GmcpMessages_AgreedOnOurSide_Pass()
    {
        // A server: the client asked us to do GMCP (DO), so GMCP is on at our side only.
        byte[] peer = [.. Neg(TelnetVerb.Do, TelnetOption.Gmcp), .. Sb(TelnetOption.Gmcp, "Core.Hello {}")];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Gmcp), peer);
        var messages = new List<GmcpMessage>();
        session.GmcpMessages.Subscribe(messages.Add);
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(session.IsLocalEnabled(TelnetOption.Gmcp) && !session.IsRemoteEnabled(TelnetOption.Gmcp), Is.True);
        Assert.That(messages.Select(static m => m.Package), Is.EqualTo(new[] { "Core.Hello" }));
        session.Dispose();
    }

    [Test]
    public void GmcpMessages_RefusedOption_NoneAlthoughTheSubnegotiationsArrive()
    {
        byte[] peer = [.. Neg(TelnetVerb.Will, TelnetOption.Gmcp), .. Sb(TelnetOption.Gmcp, "Core.Hello {}")];
        var (scheduler, session, commands) = Session(TelnetOptionPolicy.RefuseAll, peer);
        var messages = new List<GmcpMessage>();
        session.GmcpMessages.Subscribe(messages.Add);
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(messages, Is.Empty);
        Assert.That(commands, Has.Count.EqualTo(1));
        session.Dispose();
    }

    [Test]
    public void GmcpMessages_ApplicationNegotiates_EverySubnegotiationPasses()
    {
        // With a negotiation callback the application answers and the session keeps no option state.
        byte[] peer = [.. Sb(TelnetOption.Gmcp, "Core.One {}"), .. Neg(TelnetVerb.Will, TelnetOption.Gmcp), .. Sb(TelnetOption.Gmcp, "Core.Two {}")];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll, peer, callback: true);
        var messages = new List<GmcpMessage>();
        session.GmcpMessages.Subscribe(messages.Add);
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(messages.Select(static m => m.Package), Is.EqualTo(new[] { "Core.One", "Core.Two" }));
        session.Dispose();
    }

    [Test]
    public void MsspVariables_OnlyWhileTheOptionIsAgreed()
    {
        byte[] peer =
        [
            .. Sb(TelnetOption.Mssp, "\u0001NAME\u0002Before"),
            .. Neg(TelnetVerb.Will, TelnetOption.Mssp),
            .. Sb(TelnetOption.Mssp, "\u0001NAME\u0002During"),
            .. Neg(TelnetVerb.Wont, TelnetOption.Mssp),
            .. Sb(TelnetOption.Mssp, "\u0001NAME\u0002After"),
        ];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Mssp), peer);
        var names = new List<string>();
        session.MsspVariables.Subscribe(v => names.AddRange(v["NAME"]));
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(names, Is.EqualTo(new[] { "During" }));
        session.Dispose();
    }

    [Test]
    public void ComPortMessages_OnlyWhileTheOptionIsAgreed()
    {
        // A client: the access server says DO COM-PORT-OPTION, and its signature answers come as 100 + command.
        byte[] peer =
        [
            .. Sb(TelnetOption.ComPortOption, "\u0064before"),
            .. Neg(TelnetVerb.Do, TelnetOption.ComPortOption),
            .. Sb(TelnetOption.ComPortOption, "\u0064during"),
            .. Neg(TelnetVerb.Dont, TelnetOption.ComPortOption),
            .. Sb(TelnetOption.ComPortOption, "\u0064after"),
        ];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.ComPortOption), peer);
        var messages = new List<ComPortMessage>();
        session.ComPortMessages.Subscribe(messages.Add);
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(messages.Select(static m => m.Signature), Is.EqualTo(new[] { "during" }));
        session.Dispose();
    }

    [Test]
    public void MsdpVariables_EachCarrierGatedByItsOwnOption()
    {
        // MSDP agreed, GMCP not: SB MSDP passes, MSDP over GMCP does not; then the peer turns MSDP off.
        byte[] peer =
        [
            .. Neg(TelnetVerb.Will, TelnetOption.Msdp),
            .. Sb(TelnetOption.Msdp, "\u0001A\u00021"),
            .. Sb(TelnetOption.Gmcp, "MSDP {\"B\":\"2\"}"),
            .. Neg(TelnetVerb.Wont, TelnetOption.Msdp),
            .. Sb(TelnetOption.Msdp, "\u0001C\u00023"),
        ];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Msdp), peer);
        var names = new List<string>();
        session.MsdpVariables.Subscribe(v => names.Add(v.Name));
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(names, Is.EqualTo(new[] { "A" }));
        session.Dispose();
    }

    [Test]
    public void MsdpVariables_OverGmcp_PassWhileGmcpIsAgreed()
    {
        byte[] peer = [.. Neg(TelnetVerb.Will, TelnetOption.Gmcp), .. Sb(TelnetOption.Gmcp, "MSDP {\"B\":\"2\"}")];
        var (scheduler, session, _) = Session(TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Gmcp), peer);
        var names = new List<string>();
        session.MsdpVariables.Subscribe(v => names.Add(v.Name));
        session.Start();
        scheduler.AdvanceBy(100);

        Assert.That(names, Is.EqualTo(new[] { "B" }));
        session.Dispose();
    }
}
