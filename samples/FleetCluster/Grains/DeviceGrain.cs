namespace RxTelnet.Samples.FleetCluster.Grains;

using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Placement;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using RxTelnet.Session;

/// <summary>
/// One device: owns the device's Telnet session (the MonitoringPipeline's <see cref="DeviceConnection"/>: kept open
/// between polls, replaced at once when lost, reconnected with exponential backoff after a failed connect, login by
/// <c>Expect</c>) and polls it on a grain timer, one slot per period (<see cref="PollSlots"/>).
/// </summary>
/// <remarks>
/// <para><b>Concurrency.</b> The grain is not reentrant: a poll tick is one grain turn that awaits the device's reply,
/// and no other tick runs until it ends (the timer does not interleave). The one exception is
/// <see cref="Attach"/>, marked <c>[AlwaysInterleave]</c>: it only swaps the observer field and reads the silo name,
/// so it may run between the awaits of a poll, and the keeper's calls are never held up by a slow device. The
/// connection's own work (connects, timeouts, backoff) runs on the Rx <see cref="DefaultScheduler"/>, off the silo's
/// threads; the grain only awaits its results, and every wait is bounded by a timeout.</para>
/// <para><b>Placement.</b> Random, so devices spread over the silos; when a silo goes, its devices' grains are
/// activated wherever the keeper's next <see cref="Attach"/> lands.</para>
/// </remarks>
[RandomPlacement]
public sealed class DeviceGrain : Grain, IDeviceGrain
{
    private readonly FleetPollingOptions _options;
    private readonly string _silo;
    private readonly ILogger<DeviceGrain> _logger;
    private readonly IScheduler _scheduler = DefaultScheduler.Instance;
    private DeviceConnection? _connection;
    private IGrainTimer? _timer;
    private IPollObserver? _observer;
    private PollSlots _slots;
    private long _lastSlot;
    private bool _first = true;

    public DeviceGrain(IOptions<FleetPollingOptions> options, ILocalSiloDetails silo, ILogger<DeviceGrain> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(silo);
        _options = options.Value;
        _silo = silo.Name;
        _logger = logger;
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var id = this.GetPrimaryKeyString();
        var key = DeviceKey.Parse(id);
        _slots = new PollSlots(_options.Epoch, _options.Period, PollSlots.OffsetFor(id, _options.Period));
        var pollerOptions = new PollerOptions
        {
            PollPeriod = _options.Period,
            CommandTimeout = _options.CommandTimeout,
            LoginTimeout = _options.LoginTimeout,
            BackoffInitial = _options.BackoffInitial,
            BackoffMax = _options.BackoffMax,
            Command = _options.Command,
        };
        var target = new DeviceTarget(id, _options.User, _options.Password, new Regex(_options.Prompt, RegexOptions.CultureInvariant));
        var sessions = TcpSessions.Factory(_ => (key.Host, key.Port), new TelnetSessionOptions { Scheduler = _scheduler }, _options.ConnectTimeout);
        _connection = new DeviceConnection(target, sessions, pollerOptions, _scheduler, Observer.Create<ConnectionEvent>(FleetMetrics.Connection));
        _connection.Start();
        FleetMetrics.Activated();

        // Slots already gone by before this activation are not polled: the consumer sees them as a gap.
        _lastSlot = _slots.SlotAt(DateTimeOffset.UtcNow);
        _timer = this.RegisterGrainTimer(Tick, new GrainTimerCreationOptions
        {
            DueTime = _slots.DelayToNextPoll(DateTimeOffset.UtcNow, _lastSlot),
            Period = _options.Period,
            Interleave = false,
            KeepAlive = true,
        });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        _connection?.Dispose();
        _connection = null;
        FleetMetrics.Deactivated();
        return Task.CompletedTask;
    }

    public Task<string> Attach(IPollObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observer = observer;
        return Task.FromResult(_silo);
    }

    private async Task Tick(CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var slot = _slots.SlotAt(now);
        if (slot > _lastSlot && _connection is { } connection)
        {
            // Taken before the await: nothing else can claim this slot, even if the poll outlives the period.
            _lastSlot = slot;
            PollResult result;
            try
            {
                // Bounded twice: the connection's command timeout, and the timer's token when the grain deactivates.
                result = await connection.Poll(slot).FirstAsync().ToTask(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Publish(Map(result, slot));
        }

        // Re-aim at the middle of the next slot, so ticks do not drift with the time each poll takes.
        _timer?.Change(_slots.DelayToNextPoll(DateTimeOffset.UtcNow, _lastSlot), _options.Period);
    }

    private void Publish(FleetPollResult result)
    {
        FleetMetrics.Polled(result);
        if (_observer is not { } observer)
        {
            _logger.LogWarning("No observer attached to {Device}: result {Sequence} dropped", result.DeviceId, result.Sequence);
            return;
        }

        try
        {
            _ = observer.OnPolled(result);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The consumer went away; the keeper attaches a new one. The consumer reports the slots it missed as a gap.
            _logger.LogDebug(ex, "Observer of {Device} unreachable", result.DeviceId);
        }
    }

    private FleetPollResult Map(PollResult result, long slot)
    {
        var first = _first;
        _first = false;
        var status = result.Status switch
        {
            PollStatus.Ok => FleetPollStatus.Ok,
            PollStatus.NotConnected => FleetPollStatus.NotConnected,
            PollStatus.Timeout => FleetPollStatus.Timeout,
            PollStatus.Skipped => FleetPollStatus.Skipped,
            _ => FleetPollStatus.Failed,
        };
        return new FleetPollResult(
            result.DeviceId,
            slot,
            _silo,
            first,
            result.Scheduled,
            result.Completed,
            status,
            result.Interfaces.Count,
            result.Interfaces.Sum(i => i.RxBytes),
            result.Interfaces.Sum(i => i.TxBytes),
            result.Interfaces.Sum(i => i.Errors),
            result.Error);
    }
}
