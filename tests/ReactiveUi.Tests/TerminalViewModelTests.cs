namespace RxTelnet.Samples.ReactiveUi.Tests;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The view model in virtual time: in-memory transports deliver on a TestScheduler, which also stands in for the UI
/// thread, so every value is recorded at the virtual tick the UI would get it.
/// </summary>
public class TerminalViewModelTests
{
    private const byte Iac = 255;
    private const byte Will = 251;
    private const byte Do = 253;

    /// <summary>An in-memory transport delivers on the scheduler: a TestScheduler runs it one tick after the send.</summary>
    private const long Wire = 1;

    /// <summary>ObserveOn(ui) on a TestScheduler hands a value on one tick after it was produced: the UI hop.</summary>
    private const long Ui = 1;

    private TestScheduler _scheduler = null!;
    private List<ScriptedServer> _servers = null!;
    private List<TelnetSession> _sessions = null!;

    [SetUp]
    public void SetUp()
    {
        _scheduler = new TestScheduler();
        _servers = [];
        _sessions = [];
    }

    [TearDown]
    public void TearDown()
    {
        foreach (var server in _servers)
        {
            server.Transport.Dispose();
        }
    }

    [Test]
    public void Output_ServerSendsText_AppearsAtTheDeliveryTick()
    {
        using var vm = CreateViewModel();
        var output = Record(vm.Output);
        var delivered = _scheduler.CreateObserver<int>();
        _sessions[0].Data.Select(d => d.Length).Subscribe(delivered);

        _scheduler.ScheduleAbsolute(100, () => Server(0).Send("login: "));
        _scheduler.ScheduleAbsolute(250, () => Server(0).Send("\u001b[1mbold\u001b[0m\r\n"));
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(delivered.Messages.Select(m => m.Time), Is.EqualTo(new[] { 100 + Wire, 250 + Wire }));
            Assert.That(output.Messages, Is.EqualTo(new[]
            {
                ReactiveTest.OnNext(1 + Ui, string.Empty),
                ReactiveTest.OnNext(100 + Wire + Ui, "login: "),
                ReactiveTest.OnNext(250 + Wire + Ui, "login: bold\n"),
            }));
        });
    }

    [Test]
    public void Output_LongSession_KeepsFlowingPastTheSessionsReadQueue()
    {
        // Far more than a session queues for sequential reads (it pauses at 256 KiB): a view that only binds
        // to the hot streams must still see it all.
        using var vm = CreateViewModel();
        var seen = 0L;
        _scheduler.ScheduleAbsolute(1, () => _sessions[0].Data.Subscribe(d => seen += d.Length));
        var line = new string('x', 1022) + "\r\n";
        for (var i = 0; i < 1024; i++)
        {
            _scheduler.ScheduleAbsolute(100 + i, () => Server(0).Send(line));
        }

        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(1024L * 1024), "1 MiB reached the view");
            Assert.That(_sessions[0].CurrentState.IsClosed, Is.False);
            Assert.That(_sessions[0].BufferedCount, Is.Zero, "nothing piles up for reads nobody makes");
        });
    }

    [Test]
    public void Output_EscapeSplitAcrossChunks_IsStrippedWhole()
    {
        using var vm = CreateViewModel();
        var output = Record(vm.Output);

        _scheduler.ScheduleAbsolute(100, () => Server(0).Send("a\u001b[3"));
        _scheduler.ScheduleAbsolute(200, () => Server(0).Send("1mb"));
        _scheduler.Start();

        Assert.That(output.Messages.Last(), Is.EqualTo(ReactiveTest.OnNext(200 + Wire + Ui, "ab")));
    }

    [Test]
    public void StateText_ConnectThenServerCloses_GoesConnectingOpenClosed()
    {
        using var vm = CreateViewModel(connectDelay: 50);
        var states = Record(vm.StateText);

        _scheduler.ScheduleAbsolute(300, () => Server(0).Transport.Close());
        _scheduler.Start();

        Assert.That(states.Messages, Is.EqualTo(new[]
        {
            ReactiveTest.OnNext(1 + Ui, "Connecting"),
            ReactiveTest.OnNext(50 + Ui, "Open"),
            ReactiveTest.OnNext(300 + Wire + Ui, "Closed (RemoteClose)"),
        }));
    }

    [Test]
    public void StateText_ConnectFails_ShowsTheError()
    {
        using var vm = new TerminalViewModel(() => Observable.Throw<TelnetSession>(new TimeoutException("no answer")), _scheduler);
        var states = Record(vm.StateText);

        _scheduler.Start();

        Assert.That(states.Messages.Last().Value.Value, Is.EqualTo("Failed: no answer"));
    }

    [Test]
    public void Options_ServerNegotiatesEchoAndSga_PanelShowsThemRemoteEnabled()
    {
        using var vm = CreateViewModel();
        var options = Record(vm.Options);

        _scheduler.ScheduleAbsolute(100, () => Server(0).SendBytes([Iac, Will, (byte)TelnetOption.Echo]));
        _scheduler.ScheduleAbsolute(200, () => Server(0).SendBytes([Iac, Will, (byte)TelnetOption.SuppressGoAhead]));
        _scheduler.Start();

        var last = options.Messages.Last();
        Assert.Multiple(() =>
        {
            Assert.That(options.Messages.Select(m => m.Time), Is.EqualTo(new[] { 1 + Ui, 100 + Wire + Ui, 200 + Wire + Ui }));
            Assert.That(Row(last.Value.Value, TelnetOption.Echo), Is.EqualTo(new OptionRow(TelnetOption.Echo, Local: false, Remote: true)));
            Assert.That(Row(last.Value.Value, TelnetOption.SuppressGoAhead), Is.EqualTo(new OptionRow(TelnetOption.SuppressGoAhead, Local: false, Remote: true)));
            Assert.That(Server(0).ReceivedBytes, Is.EqualTo(new byte[] { Iac, Do, 1, Iac, Do, 3 }), "the client agrees with DO");
        });
    }

    [Test]
    public void Options_ServerAsksForNaws_LocalEnabledAndSizeSent()
    {
        using var vm = CreateViewModel(windowSizes: Observable.Return(new WindowSize(100, 30)));
        var options = Record(vm.Options);

        _scheduler.ScheduleAbsolute(100, () => Server(0).SendBytes([Iac, Do, (byte)TelnetOption.Naws]));
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(Row(options.Messages.Last().Value.Value, TelnetOption.Naws), Is.EqualTo(new OptionRow(TelnetOption.Naws, Local: true, Remote: false)));
            Assert.That(Server(0).ReceivedBytes, Is.EqualTo(new byte[] { Iac, Will, 31, Iac, 250, 31, 0, 100, 0, 30, Iac, 240 }));
        });
    }

    [Test]
    public void Send_Line_WritesItWithCrLfAndEchoesLocally()
    {
        using var vm = CreateViewModel();
        var output = Record(vm.Output);

        _scheduler.ScheduleAbsolute(100, () => Server(0).Send("$ "));
        _scheduler.ScheduleAbsolute(200, () => _ = vm.Send("show version"));
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(Server(0).ReceivedText, Is.EqualTo("show version\r\n"));
            Assert.That(output.Messages.Last(), Is.EqualTo(ReactiveTest.OnNext(200 + Ui, "$ show version\n")));
        });
    }

    [Test]
    public void Send_ServerEchoes_NoLocalEcho()
    {
        using var vm = CreateViewModel();
        var output = Record(vm.Output);

        _scheduler.ScheduleAbsolute(100, () => Server(0).SendBytes([Iac, Will, (byte)TelnetOption.Echo]));
        _scheduler.ScheduleAbsolute(200, () => _ = vm.Send("secret"));
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(Server(0).ReceivedText, Does.EndWith("secret\r\n"));
            Assert.That(output.Messages.Select(m => m.Value.Value), Is.EqualTo(new[] { string.Empty }));
        });
    }

    [Test]
    public void Send_NoOpenSession_DoesNothing()
    {
        using var vm = CreateViewModel(connectDelay: 100);

        var sent = vm.Send("too early");
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(sent.IsCompletedSuccessfully, Is.True);
            Assert.That(Server(0).ReceivedText, Is.Empty);
        });
    }

    [Test]
    public void Reconnect_AfterActivity_NewSessionAndPanelsReset()
    {
        using var vm = CreateViewModel();
        var output = Record(vm.Output);
        var states = Record(vm.StateText);
        var options = Record(vm.Options);

        _scheduler.ScheduleAbsolute(100, () => Server(0).Send("first\r\n"));
        _scheduler.ScheduleAbsolute(110, () => Server(0).SendBytes([Iac, Will, (byte)TelnetOption.Echo]));
        _scheduler.ScheduleAbsolute(200, vm.Reconnect);
        _scheduler.ScheduleAbsolute(300, () => Server(1).Send("second\r\n"));
        _scheduler.ScheduleAbsolute(310, () => Server(0).Send("stale\r\n"));
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(_servers, Has.Count.EqualTo(2), "one session per connect");
            Assert.That(Server(0).Closed, Is.True, "the old session was closed");
            Assert.That(output.Messages.Where(m => m.Time > 200), Is.EqualTo(new[]
            {
                ReactiveTest.OnNext(200 + Ui, string.Empty),
                ReactiveTest.OnNext(300 + Wire + Ui, "second\n"),
            }));
            Assert.That(states.Messages.Where(m => m.Time > 200).Select(m => m.Value.Value), Is.EqualTo(new[] { "Connecting", "Open" }));
            Assert.That(options.Messages.Where(m => m.Time == 110 + Wire + Ui).Select(m => Row(m.Value.Value, TelnetOption.Echo).Remote), Is.EqualTo(new[] { true }));
            Assert.That(options.Messages.Last(), Has.Property("Time").EqualTo(200 + Ui));
            Assert.That(options.Messages.Last().Value.Value.Any(r => r.Local || r.Remote), Is.False, "options reset");
        });
    }

    [Test]
    public void Dispose_ClosesTheSessionAndCompletesTheStreams()
    {
        var vm = CreateViewModel();
        var states = Record(vm.StateText);
        _scheduler.AdvanceTo(10);

        vm.Dispose();
        _scheduler.Start();

        Assert.Multiple(() =>
        {
            Assert.That(Server(0).Closed, Is.True);
            Assert.That(states.Messages.Last().Value.Kind, Is.EqualTo(System.Reactive.NotificationKind.OnCompleted));
        });
    }

    private static OptionRow Row(IReadOnlyList<OptionRow> rows, TelnetOption option) => rows.Single(r => r.Option == option);

    private ScriptedServer Server(int index) => _servers[index];

    private ITestableObserver<T> Record<T>(IObservable<T> source)
    {
        var observer = _scheduler.CreateObserver<T>();
        _scheduler.ScheduleAbsolute(1, () => source.Subscribe(observer));
        return observer;
    }

    /// <summary>A view model whose factory makes a new in-memory connection per connect, ready after <paramref name="connectDelay"/> ticks.</summary>
    private TerminalViewModel CreateViewModel(long connectDelay = 0, IObservable<WindowSize>? windowSizes = null) =>
        new(
            () => Observable.Defer(() =>
            {
                var (client, server) = InMemoryTransport.CreatePair(_scheduler);
                _servers.Add(new ScriptedServer(server));
                var session = new TelnetSession(client, ClientOptions.Create(_scheduler, windowSizes));
                _sessions.Add(session);
                return Observable.Return(session).Delay(TimeSpan.FromTicks(connectDelay), _scheduler);
            }),
            _scheduler);

    /// <summary>The server end, driven by hand: sends bytes, records what the client sends.</summary>
    private sealed class ScriptedServer
    {
        private readonly List<byte> _received = [];

        public ScriptedServer(InMemoryTransport transport)
        {
            Transport = transport;
            transport.Received.Subscribe(_received.AddRange, () => Closed = true);
        }

        public InMemoryTransport Transport { get; }

        public bool Closed { get; private set; }

        public byte[] ReceivedBytes => [.. _received];

        public string ReceivedText => Encoding.ASCII.GetString(ReceivedBytes);

        public void Send(string text) => SendBytes(Encoding.UTF8.GetBytes(text));

        public void SendBytes(byte[] bytes) => _ = Transport.SendAsync(bytes);
    }
}
