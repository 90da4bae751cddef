namespace RxTelnet.Tests.Diagnostics;

using System.Net;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;
using RxTelnet.Diagnostics;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>What sessions and listeners log: levels, event ids, categories and structured values. Virtual time, loopback for the listener.</summary>
[TestFixture]
public sealed class LoggingTests
{
    private static readonly byte[] Greeting = [.. "hello\r\n"u8, 255, 253, 24, 255, 250, 24, 1, 255, 241];

    private static (TestScheduler Scheduler, TelnetSession Session) Create(TelnetSessionOptions options, params Recorded<Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        var session = new TelnetSession(transport, options with { Scheduler = scheduler });
        return (scheduler, session);
    }

    [Test]
    public void Session_LogsOpenNegotiationWarningBytesAndClose_AtTheirLevels()
    {
        var logs = new CapturingLoggerFactory();
        var (scheduler, session) = Create(
            new TelnetSessionOptions { LoggerFactory = logs },
            ReactiveTest.OnNext(100, Greeting),
            ReactiveTest.OnCompleted<byte[]>(200));
        session.Start();
        scheduler.AdvanceTo(300);

        var opened = logs.WithId(TelnetDiagnostics.SessionOpenedEventId).Single();
        Assert.Multiple(() =>
        {
            Assert.That(opened.Level, Is.EqualTo(LogLevel.Debug));
            Assert.That(opened.Category, Is.EqualTo(TelnetDiagnostics.SessionCategory));
            Assert.That(opened.State["Side"], Is.EqualTo("client"));

            var negotiation = logs.WithId(TelnetDiagnostics.NegotiationEventId).Single();
            Assert.That(negotiation.Level, Is.EqualTo(LogLevel.Debug));
            Assert.That(negotiation.Category, Is.EqualTo(TelnetDiagnostics.NegotiationCategory));
            Assert.That(negotiation.State["Verb"], Is.EqualTo("do"));
            Assert.That(negotiation.State["Option"], Is.EqualTo("TerminalType"));
            Assert.That(negotiation.State["After"], Is.EqualTo("No"), "refused: the policy allows nothing");

            var warning = logs.WithId(TelnetDiagnostics.ProtocolWarningEventId).Single();
            Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(warning.State["WarningKind"], Is.EqualTo("UnexpectedCommandInSubnegotiation"));

            var received = logs.WithId(TelnetDiagnostics.BytesReceivedEventId).Single();
            Assert.That(received.Level, Is.EqualTo(LogLevel.Trace));
            Assert.That(received.State["Hex"], Is.EqualTo(Convert.ToHexString(Greeting)));

            var sent = logs.WithId(TelnetDiagnostics.BytesSentEventId).Single();
            Assert.That(sent.State["Hex"], Is.EqualTo("FFFC18"), "WONT TTYPE");

            var closed = logs.WithId(TelnetDiagnostics.SessionClosedEventId).Single();
            Assert.That(closed.Level, Is.EqualTo(LogLevel.Information));
            Assert.That(closed.State["CloseReason"], Is.EqualTo("remote_close"));
            Assert.That(closed.State["BytesReceived"], Is.EqualTo((long)Greeting.Length));
            Assert.That(closed.State["BytesSent"], Is.EqualTo(3L));
        });
    }

    [Test]
    public void PayloadBytes_AreLoggedOnlyAtTrace()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Debug);
        var (scheduler, session) = Create(
            new TelnetSessionOptions { LoggerFactory = logs },
            ReactiveTest.OnNext(100, Greeting),
            ReactiveTest.OnCompleted<byte[]>(200));
        session.Start();
        scheduler.AdvanceTo(300);

        Assert.That(logs.Entries.Select(e => e.EventId.Id), Does.Contain(TelnetDiagnostics.SessionClosedEventId));
        Assert.That(logs.Entries.Where(e => e.Level < LogLevel.Debug), Is.Empty);
        Assert.That(logs.Entries.Select(e => e.Message), Has.None.Contains("68656C6C6F").IgnoreCase);
    }

    [Test]
    public void BufferLimit_IsAWarning_AndTheCloseSaysWhy()
    {
        var logs = new CapturingLoggerFactory();
        var (scheduler, session) = Create(
            new TelnetSessionOptions { LoggerFactory = logs, MaxBufferedBytes = 8, PauseWhenBufferFull = false },
            ReactiveTest.OnNext(100, "0123456789abcdef"u8.ToArray()));
        session.Start();
        scheduler.AdvanceTo(200);

        var limit = logs.WithId(TelnetDiagnostics.LimitHitEventId).Single();
        Assert.Multiple(() =>
        {
            Assert.That(limit.Level, Is.EqualTo(LogLevel.Warning));
            Assert.That(limit.State["LimitName"], Is.EqualTo(nameof(TelnetSessionOptions.MaxBufferedBytes)));
            Assert.That(limit.State["Limit"], Is.EqualTo(8L));
            var closed = logs.WithId(TelnetDiagnostics.SessionClosedEventId).Single();
            Assert.That(closed.State["CloseReason"], Is.EqualTo("buffer_limit_exceeded"));
            Assert.That(closed.Exception, Is.InstanceOf<TelnetBufferLimitExceededException>());
        });
    }

    [Test]
    public void NullLoggerFactory_IsTheDefault()
    {
        Assert.That(TelnetSessionOptions.Default.LoggerFactory, Is.SameAs(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance));
        Assert.That(() => new TelnetSessionOptions { LoggerFactory = null! }, Throws.ArgumentNullException);
    }

    [Test]
    public async Task ConnectAndListener_LogConnectAcceptAndServerSide()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Debug);
        var options = new TelnetSessionOptions { LoggerFactory = logs };
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), options);
        await using (listener.ConfigureAwait(false))
        {
            var accepted = listener.Sessions.FirstAsync().ToTask();
            await using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, options);
            await using var served = await accepted.WaitAsync(TimeSpan.FromSeconds(10));

            // The listener starts a session after handing it out; disposing it first would (rightly) skip its start.
            await served.State.FirstAsync(s => s.Status == TelnetSessionStatus.Open).ToTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Multiple(() =>
        {
            Assert.That(logs.WithId(TelnetDiagnostics.ConnectingEventId).Single().Category, Is.EqualTo(TelnetDiagnostics.TransportCategory));
            Assert.That(logs.WithId(TelnetDiagnostics.ConnectedEventId).Single().State["Port"], Is.EqualTo(listener.LocalEndPoint.Port));
            Assert.That(logs.WithId(TelnetDiagnostics.ListenerStartedEventId).Single().Category, Is.EqualTo(TelnetDiagnostics.ListenerCategory));
            Assert.That(logs.WithId(TelnetDiagnostics.ConnectionAcceptedEventId).Count(), Is.EqualTo(1));
            Assert.That(logs.WithId(TelnetDiagnostics.ListenerStoppedEventId).Count(), Is.EqualTo(1));
            Assert.That(logs.WithId(TelnetDiagnostics.SessionOpenedEventId).Select(e => e.State["Side"]), Is.EquivalentTo(new[] { "client", "server" }));
        });
    }

    [Test]
    public async Task ConnectFailure_IsLogged_WithTheErrorType()
    {
        var logs = new CapturingLoggerFactory(LogLevel.Information);
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;   // bound, not listening: the connect is refused

        Assert.That(async () => await TelnetClient.ConnectAsync("127.0.0.1", port, new TelnetSessionOptions { LoggerFactory = logs }),
            Throws.InstanceOf<System.Net.Sockets.SocketException>());
        var failed = logs.WithId(TelnetDiagnostics.ConnectFailedEventId).Single();
        Assert.That(failed.State["ErrorType"], Is.EqualTo("ConnectionRefused"));
        await Task.CompletedTask;
    }
}
