namespace RxTelnet.Samples.MonitoringPipeline.Polling;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Session;

/// <summary>
/// The polling half of the pipeline: <c>Observable.Interval(period, scheduler)</c>, and on every tick one poll per
/// device over its kept session. Sessions come from a factory, so the same poller runs over TCP or over in-memory
/// pairs in virtual time.
/// </summary>
public sealed class DevicePoller
{
    private readonly IReadOnlyList<DeviceTarget> _targets;
    private readonly Func<string, IObservable<TelnetSession>> _sessions;
    private readonly PollerOptions _options;
    private readonly IScheduler _scheduler;
    private readonly ISubject<ConnectionEvent> _connectionEvents = Subject.Synchronize(new Subject<ConnectionEvent>());

    /// <param name="targets">The devices.</param>
    /// <param name="sessions">Opens a connection to a device id: one started session per subscription.</param>
    /// <param name="options">Period, timeouts, backoff, command.</param>
    /// <param name="scheduler">Where every timer runs: the ticks, the timeouts and the backoff.</param>
    public DevicePoller(IEnumerable<DeviceTarget> targets, Func<string, IObservable<TelnetSession>> sessions, PollerOptions options, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(sessions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(scheduler);
        _targets = [.. targets];
        _sessions = sessions;
        _options = options;
        _scheduler = scheduler;
    }

    /// <summary>Gets connects, failures (with the backoff chosen) and losses of every device (hot: only while <see cref="Polls"/> is subscribed).</summary>
    public IObservable<ConnectionEvent> ConnectionEvents => _connectionEvents.AsObservable();

    /// <summary>
    /// Gets the poll results, one per device per period (cold: subscribing connects to every device; disposing closes
    /// every session). Publish it to feed several consumers.
    /// </summary>
    public IObservable<PollResult> Polls =>
        Observable.Using(
            () =>
            {
                var connections = _targets.Select(t => new DeviceConnection(t, _sessions, _options, _scheduler, _connectionEvents)).ToList();
                connections.ForEach(c => c.Start());
                return new Connections(connections);
            },
            resource => Observable.Interval(_options.PollPeriod, _scheduler)
                .SelectMany(tick => resource.All.Select(c => c.Poll(tick + 1)).Merge()));

    private sealed class Connections(List<DeviceConnection> all) : IDisposable
    {
        private readonly CompositeDisposable _disposables = [.. all];

        public IReadOnlyList<DeviceConnection> All => all;

        public void Dispose() => _disposables.Dispose();
    }
}
