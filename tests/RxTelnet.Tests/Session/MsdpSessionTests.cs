namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>MSDP between a server session and a client session in virtual time, and MSDP over GMCP.</summary>
[TestFixture]
public sealed class MsdpSessionTests
{
    private TestScheduler _scheduler = null!;
    private TelnetSession _client = null!;
    private TelnetSession _server = null!;
    private List<MsdpVariable> _atServer = null!;
    private List<MsdpVariable> _atClient = null!;

    [SetUp]
    public void SetUp()
    {
        // NUnit shares one fixture instance between its tests: everything starts fresh here.
        _scheduler = new TestScheduler();
        _atServer = [];
        _atClient = [];
    }

    private void Connect(params TelnetOption[] options)
    {
        var (client, server) = InMemoryTransport.CreatePair(_scheduler);
        _client = new TelnetSession(client, new TelnetSessionOptions { Scheduler = _scheduler, Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(options) });
        _server = new TelnetSession(server, new TelnetSessionOptions { Scheduler = _scheduler, Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(options) });
        _client.MsdpVariables.Subscribe(_atClient.Add);
        _server.MsdpVariables.Subscribe(_atServer.Add);
        _client.Start();
        _server.Start();
        foreach (var option in options)
        {
            _server.RequestLocal(option, true).Subscribe();
        }

        _scheduler.AdvanceBy(100);
    }

    [TearDown]
    public void TearDown()
    {
        _client?.Dispose();
        _server?.Dispose();
    }

    [Test]
    public void List_ServerAnswers_ClientGetsTheArray()
    {
        Connect(TelnetOption.Msdp);
        _server.MsdpVariables.Where(static v => v.Name == "LIST").Subscribe(v =>
            _ = _server.SendMsdpAsync(v.Value.Text, MsdpValue.ArrayOf("LIST", "REPORT", "SEND")));

        var commands = _client.MsdpListAsync("COMMANDS");
        _scheduler.AdvanceBy(100);

        Assert.That(commands.IsCompletedSuccessfully, Is.True, commands.Status.ToString());
        Assert.That(commands.Result, Is.EqualTo(MsdpValue.ArrayOf("LIST", "REPORT", "SEND")));
        Assert.That(_atServer, Is.EqualTo(new[] { new MsdpVariable("LIST", "COMMANDS") }));
    }

    [Test]
    public void List_NoAnswer_TimesOutAtTheExactVirtualTime_NamingTheList()
    {
        Connect(TelnetOption.Msdp);
        var start = _scheduler.Clock;
        var commands = _client.MsdpListAsync("LISTS", TimeSpan.FromSeconds(3));

        _scheduler.AdvanceTo(start + TimeSpan.FromSeconds(3).Ticks - 1);
        Assert.That(commands.IsCompleted, Is.False);
        _scheduler.AdvanceBy(1);
        var error = Assert.ThrowsAsync<TimeoutException>(() => commands);
        Assert.That(error!.Message, Does.Contain("\"LISTS\"").And.Contain("3 s"));
    }

    [Test]
    public void List_SessionClosesFirst_FailsAsClosed()
    {
        Connect(TelnetOption.Msdp);
        var commands = _client.MsdpListAsync("COMMANDS");
        _scheduler.AdvanceBy(10);
        _server.Dispose();
        _scheduler.AdvanceBy(100);
        Assert.ThrowsAsync<TelnetClosedException>(() => commands);
    }

    [Test]
    public void ReportUnreportSendReset_ReachTheServerAsTheStandardCommands()
    {
        Connect(TelnetOption.Msdp);
        _ = _client.MsdpReportAsync("HEALTH", "MANA");
        _ = _client.MsdpUnreportAsync("MANA");
        _ = _client.MsdpSendAsync("ROOM");
        _ = _client.MsdpResetAsync("REPORTED_VARIABLES");
        _scheduler.AdvanceBy(100);

        Assert.That(_atServer, Is.EqualTo(new[]
        {
            new MsdpVariable("REPORT", MsdpValue.ArrayOf("HEALTH", "MANA")),
            new MsdpVariable("UNREPORT", "MANA"),
            new MsdpVariable("SEND", "ROOM"),
            new MsdpVariable("RESET", "REPORTED_VARIABLES"),
        }));
    }

    [Test]
    public void Updates_ArriveInOrder_WithNestedTables()
    {
        Connect(TelnetOption.Msdp);
        var room = MsdpValue.TableOf(new MsdpVariable("VNUM", "1"), new MsdpVariable("EXITS", MsdpValue.TableOf(new MsdpVariable("n", "2"))));
        _ = _server.SendMsdpAsync([new MsdpVariable("HEALTH", "90"), new MsdpVariable("ROOM", room)]);
        _ = _server.SendMsdpAsync("HEALTH", "85");
        _scheduler.AdvanceBy(100);

        Assert.That(_atClient, Is.EqualTo(new[] { new MsdpVariable("HEALTH", "90"), new MsdpVariable("ROOM", room), new MsdpVariable("HEALTH", "85") }));
    }

    [Test]
    public void OverGmcp_WhenOnlyGmcpIsAgreed_TheSameCallsCarryJson()
    {
        Connect(TelnetOption.Gmcp);
        var gmcp = new List<GmcpMessage>();
        _server.GmcpMessages.Subscribe(gmcp.Add);
        _server.MsdpVariables.Where(static v => v.Name == "LIST").Subscribe(v => _ = _server.SendMsdpAsync(v.Value.Text, MsdpValue.ArrayOf("HEALTH")));

        var list = _client.MsdpListAsync("REPORTABLE_VARIABLES");
        _ = _client.MsdpReportAsync("HEALTH");
        _scheduler.AdvanceBy(100);

        Assert.That(list.Result, Is.EqualTo(MsdpValue.ArrayOf("HEALTH")));
        Assert.That(gmcp, Is.EqualTo(new[]
        {
            new GmcpMessage("MSDP", "{\"LIST\":\"REPORTABLE_VARIABLES\"}"),
            new GmcpMessage("MSDP", "{\"REPORT\":\"HEALTH\"}"),
        }));
        Assert.That(_atServer.Select(static v => v.Name), Is.EqualTo(new[] { "LIST", "REPORT" }));
    }

    [Test]
    public void Send_NeitherOptionAgreed_FailsTyped()
    {
        Connect();
        var send = _client.SendMsdpAsync("HEALTH", "1");
        var error = Assert.ThrowsAsync<TelnetOptionNotAgreedException>(() => send);
        Assert.That(error!.Message, Does.Contain("Msdp"));
    }

    [Test]
    public void HostileServer_MalformedAndDeepPayloads_AreDroppedAndTheSessionGoesOn()
    {
        Connect(TelnetOption.Msdp);
        byte[] deep = [Msdp.Var, (byte)'X', Msdp.Val, .. Enumerable.Repeat(Msdp.ArrayOpen, 10_000)];
        _ = _server.SendSubnegotiationAsync(TelnetOption.Msdp, deep);
        _ = _server.SendSubnegotiationAsync(TelnetOption.Msdp, new byte[] { Msdp.Val, 1, 2, 3 });
        _ = _server.SendMsdpAsync("OK", "1");
        _scheduler.AdvanceBy(100);

        Assert.That(_atClient, Is.EqualTo(new[] { new MsdpVariable("OK", "1") }));
        Assert.That(_client.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
    }

    [TestCase("")]
    [TestCase("A\u0001")]
    [TestCase(null)]
    public void Send_OneVariable_BadName_NamesTheNameArgument(string? name)
    {
        // null stands for a lone surrogate, which an attribute's string cannot carry.
        name ??= "A" + (char)0xD800;
        Connect(TelnetOption.Msdp);
        var error = Assert.Throws<ArgumentException>(() => _client.SendMsdpAsync(name, "1"));
        Assert.That(error!.ParamName, Is.EqualTo("name"));
    }

    [Test]
    public void Send_OneVariable_BadValue_NamesTheValueArgument()
    {
        Connect(TelnetOption.Msdp);
        var error = Assert.Throws<ArgumentException>(() => _client.SendMsdpAsync("HEALTH", "1\u0002"));
        Assert.That(error!.ParamName, Is.EqualTo("value"));
        Assert.That(error.Message, Does.Contain("\"1\u0002\""));
    }

    [Test]
    public void List_EmptyOrBadName_RefusedNamingTheList_AndNothingSent()
    {
        Connect(TelnetOption.Msdp);
        var sent = new List<byte[]>();
        _client.RawSent.Subscribe(sent.Add);

        var empty = Assert.Throws<ArgumentException>(() => _client.MsdpListAsync(string.Empty));
        var marker = Assert.Throws<ArgumentException>(() => _client.MsdpListAsync("LI\u0003ST"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => _client.MsdpListAsync(null!))!.ParamName, Is.EqualTo("list"));

        Assert.That((empty!.ParamName, marker!.ParamName), Is.EqualTo(("list", "list")));
        Assert.That(marker.Message, Does.Contain("byte 3"));
        Assert.That(sent, Is.Empty);
    }

    [Test]
    public void Reset_BadOrMissingLists_NamesTheListsArgument()
    {
        Connect(TelnetOption.Msdp);
        Assert.Multiple(() =>
        {
            Assert.That(Assert.Throws<ArgumentException>(() => _client.MsdpResetAsync())!.ParamName, Is.EqualTo("lists"));
            Assert.That(Assert.Throws<ArgumentException>(() => _client.MsdpResetAsync("A\u0004"))!.ParamName, Is.EqualTo("lists"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => _client.MsdpResetAsync(null!))!.ParamName, Is.EqualTo("lists"));
            Assert.That(Assert.Throws<ArgumentNullException>(() => _client.MsdpResetAsync("A", null!))!.ParamName, Is.EqualTo("lists"));
            Assert.That(Assert.Throws<ArgumentException>(() => _client.MsdpReportAsync("A\u0004"))!.ParamName, Is.EqualTo("names"));
        });
    }
}
