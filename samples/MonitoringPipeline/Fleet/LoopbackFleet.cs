namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

using System.Net;
using System.Reactive.Concurrency;
using RxTelnet.Session;

/// <summary>
/// The fleet on real sockets: one <see cref="TelnetListener"/> per device on a free loopback port, as if every device
/// had its own address. The devices keep time on the given scheduler (the real one, for the console demo).
/// </summary>
public sealed class LoopbackFleet : IDisposable
{
    private readonly List<TelnetListener> _listeners = [];
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Dictionary<string, IPEndPoint> _endPoints = [];

    private LoopbackFleet(IReadOnlyList<SimulatedDevice> devices) => Devices = devices;

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    public static LoopbackFleet Start(IEnumerable<DeviceProfile> profiles, IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(scheduler);
        var epoch = scheduler.Now;
        var fleet = new LoopbackFleet([.. profiles.Select(p => new SimulatedDevice(p, scheduler, epoch))]);
        var options = new TelnetSessionOptions { Scheduler = scheduler };
        try
        {
            foreach (var device in fleet.Devices)
            {
                // The device side reads through its hot Data stream only.
                var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), options with { QueueForReads = false });
                fleet._listeners.Add(listener);
                // The listener starts each session right after OnNext returns: the device is attached by then.
                fleet._subscriptions.Add(listener.Sessions.Subscribe(device.Serve, _ => { }, () => { }));
                fleet._endPoints[device.Name] = listener.LocalEndPoint;
            }
        }
        catch
        {
            fleet.Dispose();
            throw;
        }

        return fleet;
    }

    public IPEndPoint EndPointOf(string deviceId) => _endPoints[deviceId];

    public void Dispose()
    {
        foreach (var subscription in _subscriptions)
        {
            subscription.Dispose();
        }

        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        foreach (var device in Devices)
        {
            device.Dispose();
        }
    }
}
