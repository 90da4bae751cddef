namespace RxTelnet.Samples.FleetCluster.Collecting;

using System.Collections.Concurrent;
using RxTelnet.Samples.FleetCluster.Grains;

/// <summary>
/// Keeps every device's grain alive and attached to the consumer: each round it calls
/// <see cref="IDeviceGrain.Attach"/> on every device. A grain whose silo went away is activated again on a silo that is
/// still there by the next round, so the round interval bounds how long a device stays unpolled after a failover (on
/// top of the cluster noticing the loss). In production the same job is a reminder on a durable reminder table.
/// </summary>
public sealed class FleetKeeper
{
    private readonly IGrainFactory _grains;
    private readonly IReadOnlyList<string> _devices;
    private readonly IPollObserver _observer;
    private readonly TimeSpan _callTimeout;
    private readonly ConcurrentDictionary<string, string> _siloOf = new(StringComparer.Ordinal);
    private long _failedCalls;

    /// <param name="grains">The cluster client (or a silo's grain factory).</param>
    /// <param name="devices">The grain keys, <c>host:port</c>.</param>
    /// <param name="observer">The reference from <c>CreateObjectReference</c> for the consumer.</param>
    /// <param name="callTimeout">How long one attach may take before the round moves on.</param>
    public FleetKeeper(IGrainFactory grains, IEnumerable<string> devices, IPollObserver observer, TimeSpan callTimeout)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(devices);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(callTimeout, TimeSpan.Zero);
        _grains = grains;
        _devices = [.. devices];
        _observer = observer;
        _callTimeout = callTimeout;
    }

    /// <summary>Gets the silo each device's grain answered from in the last round it answered.</summary>
    public IReadOnlyDictionary<string, string> SiloOf => _siloOf;

    /// <summary>Gets how many attach calls failed or timed out (a silo leaving makes a few).</summary>
    public long FailedCalls => Interlocked.Read(ref _failedCalls);

    /// <summary>One round: attaches every device, at most <paramref name="parallel"/> calls at a time.</summary>
    public Task RoundAsync(CancellationToken cancellationToken, int parallel = 64) =>
        Parallel.ForEachAsync(_devices, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = cancellationToken }, async (device, ct) =>
        {
            try
            {
                var silo = await _grains.GetGrain<IDeviceGrain>(device).Attach(_observer).WaitAsync(_callTimeout, ct).ConfigureAwait(false);
                _siloOf[device] = silo;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failedCalls);
            }
        });

    /// <summary>Rounds every <paramref name="interval"/> until cancelled (the first at once).</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                await RoundAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
