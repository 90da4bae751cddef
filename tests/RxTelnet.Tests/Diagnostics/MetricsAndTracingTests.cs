namespace RxTelnet.Tests.Diagnostics;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Net;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Microsoft.Reactive.Testing;
using RxTelnet.Diagnostics;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The RxTelnet meter's instruments and the activity source's spans, seen through <see cref="MeterListener"/> and
/// <see cref="ActivityListener"/>: virtual time for what a session records, loopback for connects, accepts and START-TLS.
/// </summary>
[TestFixture]
public sealed class MetricsAndTracingTests
{
    private static readonly byte[] Greeting = [.. "hello\r\n"u8, 255, 253, 24, 255, 251, 1, 255, 250, 24, 1, 255, 241];

    private static (TestScheduler Scheduler, TelnetSession Session) Create(TelnetSessionOptions options, params Recorded<Notification<byte[]>>[] messages)
    {
        var scheduler = new TestScheduler();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        return (scheduler, new TelnetSession(transport, options with { Scheduler = scheduler }));
    }

    [Test]
    public void Instruments_HaveTheirConventionalNamesUnitsAndMeter()
    {
        using var metrics = new MetricCollector();
        _ = new TelnetSession(InMemoryTransport.CreatePair().Client, new TelnetSessionOptions { MeterFactory = metrics });

        var expected = new Dictionary<string, (Type Type, string Unit)>
        {
            [TelnetDiagnostics.SessionActiveInstrument] = (typeof(UpDownCounter<long>), "{session}"),
            [TelnetDiagnostics.SessionOpenedInstrument] = (typeof(Counter<long>), "{session}"),
            [TelnetDiagnostics.SessionClosedInstrument] = (typeof(Counter<long>), "{session}"),
            [TelnetDiagnostics.ConnectDurationInstrument] = (typeof(Histogram<double>), "s"),
            [TelnetDiagnostics.StartTlsDurationInstrument] = (typeof(Histogram<double>), "s"),
            [TelnetDiagnostics.BytesReceivedInstrument] = (typeof(Counter<long>), "By"),
            [TelnetDiagnostics.BytesSentInstrument] = (typeof(Counter<long>), "By"),
            [TelnetDiagnostics.NegotiationsInstrument] = (typeof(Counter<long>), "{negotiation}"),
            [TelnetDiagnostics.ProtocolWarningsInstrument] = (typeof(Counter<long>), "{warning}"),
            [TelnetDiagnostics.LimitHitsInstrument] = (typeof(Counter<long>), "{hit}"),
        };
        Assert.That(metrics.Instruments.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (name, (type, unit)) in expected)
        {
            var instrument = metrics.Instruments[name];
            Assert.That(instrument.GetType(), Is.EqualTo(type), name);
            Assert.That(instrument.Unit, Is.EqualTo(unit), name);
            Assert.That(instrument.Meter.Name, Is.EqualTo(TelnetDiagnostics.MeterName), name);
        }
    }

    [Test]
    public void Session_RecordsOpenBytesNegotiationsWarningsAndCloseReason_InVirtualTime()
    {
        using var metrics = new MetricCollector();
        var (scheduler, session) = Create(
            new TelnetSessionOptions { MeterFactory = metrics },
            ReactiveTest.OnNext(100, Greeting),
            ReactiveTest.OnCompleted<byte[]>(200));
        session.Start();

        Assert.That(metrics.Sum(TelnetDiagnostics.SessionActiveInstrument, ("telnet.side", "client")), Is.EqualTo(1));
        scheduler.AdvanceTo(150);
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionOpenedInstrument, ("telnet.side", "client")), Is.EqualTo(1));
            Assert.That(metrics.Sum(TelnetDiagnostics.BytesReceivedInstrument), Is.EqualTo(Greeting.Length));
            Assert.That(metrics.Sum(TelnetDiagnostics.BytesSentInstrument), Is.EqualTo(6), "WONT TTYPE and DONT ECHO");
            Assert.That(metrics.Sum(TelnetDiagnostics.NegotiationsInstrument, ("telnet.option", "TerminalType"), ("telnet.verb", "do")), Is.EqualTo(1));
            Assert.That(metrics.Sum(TelnetDiagnostics.NegotiationsInstrument, ("telnet.option", "Echo"), ("telnet.verb", "will")), Is.EqualTo(1));
            Assert.That(metrics.Sum(TelnetDiagnostics.ProtocolWarningsInstrument, ("telnet.warning", "UnexpectedCommandInSubnegotiation")), Is.EqualTo(1));
            Assert.That(metrics.Of(TelnetDiagnostics.SessionClosedInstrument), Is.Empty);
        });

        scheduler.AdvanceTo(250);
        Assert.Multiple(() =>
        {
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionActiveInstrument), Is.Zero);
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionClosedInstrument, ("telnet.close.reason", "remote_close"), ("telnet.side", "client")), Is.EqualTo(1));
        });

        session.Dispose();
        Assert.That(metrics.Sum(TelnetDiagnostics.SessionClosedInstrument), Is.EqualTo(1), "a session closes once");
    }

    [Test]
    public void Limits_AreCountedByName()
    {
        using var metrics = new MetricCollector();
        var (scheduler, session) = Create(
            new TelnetSessionOptions { MeterFactory = metrics, MaxBufferedBytes = 8, PauseWhenBufferFull = false, MaxPendingSendBytes = 4 },
            ReactiveTest.OnNext(100, "0123456789abcdef"u8.ToArray()));
        session.Start();
        Assert.That(async () => await session.WriteAsync("too long"u8.ToArray()), Throws.TypeOf<TelnetBufferLimitExceededException>());
        scheduler.AdvanceTo(200);

        Assert.Multiple(() =>
        {
            Assert.That(metrics.Sum(TelnetDiagnostics.LimitHitsInstrument, ("telnet.limit", "MaxPendingSendBytes")), Is.EqualTo(1));
            Assert.That(metrics.Sum(TelnetDiagnostics.LimitHitsInstrument, ("telnet.limit", "MaxBufferedBytes")), Is.EqualTo(1));
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionClosedInstrument, ("telnet.close.reason", "buffer_limit_exceeded")), Is.EqualTo(1));
        });
    }

    [Test]
    public void SessionNeverStarted_IsNeitherOpenedNorClosed()
    {
        using var metrics = new MetricCollector();
        var session = new TelnetSession(InMemoryTransport.CreatePair().Client, new TelnetSessionOptions { MeterFactory = metrics });
        session.Dispose();

        Assert.That(metrics.Measurements, Is.Empty);
    }

    [Test]
    public async Task ConnectAndAccept_RecordDurationSpansAndServerSessions_OverLoopback()
    {
        using var metrics = new MetricCollector();
        using var spans = new SpanCollector();
        var options = new TelnetSessionOptions { MeterFactory = metrics };
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), options);
        var port = listener.LocalEndPoint.Port;
        await using (listener.ConfigureAwait(false))
        {
            var accepted = listener.Sessions.FirstAsync().ToTask();
            using var parent = new Activity("test-parent").Start();
            await using var client = await TelnetClient.ConnectAsync("127.0.0.1", port, options);
            Assert.That(Activity.Current, Is.SameAs(parent), "the connect span does not leak into the caller");
            parent.Stop();
            await using var served = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionActiveInstrument, ("telnet.side", "server")), Is.EqualTo(1));

            var connect = spans.Stopped.Single(a => a.OperationName == TelnetDiagnostics.ConnectActivityName && Equals(a.GetTagItem("server.port"), port));
            Assert.Multiple(() =>
            {
                Assert.That(connect.Kind, Is.EqualTo(ActivityKind.Client));
                Assert.That(connect.ParentId, Is.EqualTo(parent.Id));
                Assert.That(connect.GetTagItem("server.address"), Is.EqualTo("127.0.0.1"));
                Assert.That(connect.Status, Is.Not.EqualTo(ActivityStatusCode.Error));
            });
        }

        var accept = await spans.WaitFor(a => a.OperationName == TelnetDiagnostics.AcceptActivityName && Equals(a.GetTagItem("server.port"), port));
        Assert.Multiple(() =>
        {
            Assert.That(accept.Kind, Is.EqualTo(ActivityKind.Server));
            Assert.That(accept.GetTagItem("client.address"), Is.EqualTo("127.0.0.1"));
            var connects = metrics.Of(TelnetDiagnostics.ConnectDurationInstrument).ToList();
            Assert.That(connects, Has.Count.EqualTo(1));
            Assert.That(connects[0].Value, Is.GreaterThan(0).And.LessThan(10));
            Assert.That(connects[0].Tags, Does.Not.ContainKey("error.type"));
            Assert.That(metrics.Sum(TelnetDiagnostics.SessionOpenedInstrument, ("telnet.side", "server")), Is.EqualTo(1));
        });
    }

    [Test]
    public void ConnectRefused_RecordsItsErrorType()
    {
        using var metrics = new MetricCollector();
        using var spans = new SpanCollector();
        using var probe = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)probe.LocalEndPoint!).Port;

        Assert.That(async () => await TelnetClient.ConnectAsync("127.0.0.1", port, new TelnetSessionOptions { MeterFactory = metrics }),
            Throws.InstanceOf<System.Net.Sockets.SocketException>());

        Assert.That(metrics.Of(TelnetDiagnostics.ConnectDurationInstrument).Single().Tags["error.type"], Is.EqualTo("ConnectionRefused"));
        var span = spans.Stopped.Single(a => a.OperationName == TelnetDiagnostics.ConnectActivityName && Equals(a.GetTagItem("server.port"), port));
        Assert.That(span.Status, Is.EqualTo(ActivityStatusCode.Error));
    }

    [Test]
    public async Task ListenerFull_CountsAMaxSessionsHit()
    {
        using var metrics = new MetricCollector();
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), new TelnetSessionOptions { MeterFactory = metrics }, maxSessions: 1);
        await using (listener.ConfigureAwait(false))
        {
            await using var first = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port);
            await using var second = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port);
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (listener.RejectedCount == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }
        }

        Assert.That(metrics.Sum(TelnetDiagnostics.LimitHitsInstrument, ("telnet.limit", "MaxSessions"), ("telnet.side", "server")), Is.EqualTo(1));
    }

    [Test]
    public async Task StartTls_RecordsItsDurationAndSpan_OnBothSides()
    {
        using var metrics = new MetricCollector();
        using var spans = new SpanCollector();
        var serverOptions = new TelnetSessionOptions { MeterFactory = metrics, StartTls = StartTlsOptions.Server(TestCertificate.Value) };
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), serverOptions);
        await using (listener.ConfigureAwait(false))
        {
            var accepted = listener.Sessions.FirstAsync().ToTask();
            var clientOptions = new TelnetSessionOptions
            {
                MeterFactory = metrics,
                StartTls = StartTlsOptions.Client("localhost", (_, _, _, _) => true),
            };
            await using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, clientOptions);
            await using var served = await accepted.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(await client.StartTlsAsync().WaitAsync(TimeSpan.FromSeconds(10)), Is.True);
            await served.Secure.FirstAsync(s => s).ToTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        var durations = metrics.Of(TelnetDiagnostics.StartTlsDurationInstrument).ToList();
        Assert.That(durations.Select(d => d.Tags["telnet.side"]), Is.EquivalentTo(new[] { "client", "server" }));
        Assert.That(durations.Select(d => d.Value), Has.All.GreaterThan(0));
        Assert.That(durations.SelectMany(d => d.Tags.Keys), Has.None.EqualTo("error.type"));
        var tlsSpans = spans.Stopped.Where(a => a.OperationName == TelnetDiagnostics.StartTlsActivityName).ToList();
        Assert.That(tlsSpans.Select(a => a.GetTagItem("telnet.side")), Is.SupersetOf(new[] { "client", "server" }));
    }

    [Test]
    public void WithoutAMeterFactory_TheProcessWideMeterIsUsed()
    {
        var seen = new ConcurrentBag<string>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TelnetDiagnostics.MeterName && instrument.Meter.Scope is null)
                {
                    seen.Add(instrument.Name);
                }
            },
        };
        listener.Start();
        using var session = new TelnetSession(InMemoryTransport.CreatePair().Client);

        Assert.That(seen, Does.Contain(TelnetDiagnostics.SessionActiveInstrument));
    }

    /// <summary>Records the RxTelnet source's stopped activities; tests pick theirs by a tag only they use (a port).</summary>
    private sealed class SpanCollector : IDisposable
    {
        private readonly ActivityListener _listener;

        public SpanCollector()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = s => s.Name == TelnetDiagnostics.ActivitySourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a => Stopped.Enqueue(a),
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public async Task<Activity> WaitFor(Func<Activity, bool> match)
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (DateTime.UtcNow < deadline)
            {
                if (Stopped.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                await Task.Delay(10);
            }

            throw new TimeoutException("no such span");
        }

        public void Dispose() => _listener.Dispose();
    }
}
