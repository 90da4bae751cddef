namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

using System.Globalization;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Session;

/// <summary>
/// A scripted network device behind Telnet: a login dialogue, a prompt, and <c>show interfaces</c> with counters that
/// grow with the scheduler's clock. All of it runs on one <see cref="IScheduler"/>: on a <c>TestScheduler</c> the device
/// lives in virtual time, on the default scheduler in real time. It serves any <see cref="TelnetSession"/>, so the same
/// device sits behind a <see cref="TelnetListener"/> or an in-memory transport.
/// </summary>
public sealed class SimulatedDevice : IDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<TelnetSession> _live = [];
    private readonly CompositeDisposable _timers = new();
    private readonly Random _random;
    private long _connections;
    private long _commands;
    private bool _disposed;

    public SimulatedDevice(DeviceProfile profile, IScheduler scheduler, DateTimeOffset epoch)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(scheduler);
        Profile = profile;
        Scheduler = scheduler;
        Epoch = epoch;
        _random = new Random(profile.Seed);
        foreach (var outage in profile.Faults.OfType<Outage>())
        {
            // A device going down drops whoever is logged in, at the exact start of the outage.
            _timers.Add(scheduler.Schedule(epoch + outage.From, DropAll));
        }
    }

    public DeviceProfile Profile { get; }

    public IScheduler Scheduler { get; }

    public DateTimeOffset Epoch { get; }

    public string Name => Profile.Name;

    /// <summary>Gets how many connections the device was offered (including those refused during an outage).</summary>
    public long Connections => Interlocked.Read(ref _connections);

    /// <summary>Gets how many shell commands the device answered.</summary>
    public long Commands => Interlocked.Read(ref _commands);

    internal TimeSpan Elapsed
    {
        get
        {
            var elapsed = Scheduler.Now - Epoch;
            return elapsed > TimeSpan.Zero ? elapsed : TimeSpan.Zero;
        }
    }

    public bool IsDown(TimeSpan elapsed) => Profile.Faults.OfType<Outage>().Any(o => o.Covers(elapsed));

    /// <summary>The counters at <paramref name="elapsed"/> after the epoch: the integral of the base rate plus every burst and storm so far.</summary>
    public IReadOnlyList<InterfaceCounters> CountersAt(TimeSpan elapsed)
    {
        var result = new InterfaceCounters[Profile.Interfaces.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var nic = Profile.Interfaces[i];
            var rx = nic.InitialRxBytes + Integrate(nic.RxBytesPerSecond, elapsed);
            var tx = nic.InitialTxBytes + Integrate(nic.TxBytesPerSecond, elapsed);
            long rxErrors = 0;
            foreach (var fault in Profile.Faults)
            {
                switch (fault)
                {
                    case TrafficBurst burst when burst.Interface == nic.Name:
                        rx += Integrate(burst.ExtraRxBytesPerSecond, burst.OverlapUntil(elapsed));
                        tx += Integrate(burst.ExtraTxBytesPerSecond, burst.OverlapUntil(elapsed));
                        break;
                    case ErrorStorm storm when storm.Interface == nic.Name:
                        rxErrors += (long)Math.Floor(storm.RxErrorsPerSecond * storm.OverlapUntil(elapsed).TotalSeconds);
                        break;
                }
            }

            result[i] = new InterfaceCounters(nic.Name, IsUp: true, rx, tx, rxErrors, TxErrors: 0);
        }

        return result;
    }

    /// <summary>The <c>show interfaces</c> table, as text with LF line ends.</summary>
    public static string FormatTable(IReadOnlyList<InterfaceCounters> counters)
    {
        var text = new StringBuilder();
        text.Append("Interface  State  RxBytes          TxBytes          RxErrors  TxErrors\n");
        foreach (var c in counters)
        {
            text.Append(CultureInfo.InvariantCulture, $"{c.Name,-10} {(c.IsUp ? "up" : "down"),-6} {c.RxBytes,-16} {c.TxBytes,-16} {c.RxErrors,-9} {c.TxErrors}\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Serves one connection. Call it before the session starts receiving (a listener's <c>Sessions</c> subscriber, or
    /// right after creating an in-memory pair) so the device sees every byte.
    /// </summary>
    public void Serve(TelnetSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        Interlocked.Increment(ref _connections);
        lock (_gate)
        {
            if (_disposed || IsDown(Elapsed))
            {
                // Down: the connection is closed before a single byte, as a box that is rebooting does.
                session.Close();
                return;
            }

            _live.Add(session);
        }

        var console = new DeviceConsole(this, session);
        session.Data.Subscribe(console.OnData, _ => { }, () => { });
        session.State.LastOrDefaultAsync().Subscribe(_ =>
        {
            lock (_gate)
            {
                _live.Remove(session);
            }

            // The client's close only ends our reading side (a half-close): a device hangs up too.
            session.Close();
        });
        console.Greet();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timers.Dispose();
        DropAll();
    }

    internal void CountCommand() => Interlocked.Increment(ref _commands);

    /// <summary>Draws the random faults of one reply. Always draws the same numbers, so the sequence depends only on the seed and the reply count.</summary>
    internal ReplyFaults DrawFaults(TimeSpan elapsed)
    {
        var random = Profile.Random;
        lock (_gate)
        {
            var slow = _random.NextDouble() < random.SlowReplyProbability;
            var delay = TimeSpan.FromTicks((long)(_random.NextDouble() * random.MaxSlowDelay.Ticks));
            var garbage = _random.NextDouble() < random.GarbageProbability;
            var corrupt = _random.NextDouble() < random.CorruptLineProbability;
            var disconnect = _random.NextDouble() < random.DisconnectProbability;
            var noiseSeed = _random.Next();

            var scripted = TimeSpan.Zero;
            foreach (var s in Profile.Faults.OfType<SlowReplies>())
            {
                if (s.Covers(elapsed) && s.Delay > scripted)
                {
                    scripted = s.Delay;
                }
            }

            var total = (slow ? delay : TimeSpan.Zero) + scripted;
            return new ReplyFaults(total, garbage, corrupt, disconnect, noiseSeed);
        }
    }

    private static long Integrate(long bytesPerSecond, TimeSpan span) =>
        (long)((Int128)bytesPerSecond * span.Ticks / TimeSpan.TicksPerSecond);

    private void DropAll()
    {
        TelnetSession[] live;
        lock (_gate)
        {
            live = [.. _live];
            _live.Clear();
        }

        foreach (var session in live)
        {
            session.Close();
        }
    }

    internal readonly record struct ReplyFaults(TimeSpan Delay, bool Garbage, bool Corrupt, bool Disconnect, int NoiseSeed);
}
