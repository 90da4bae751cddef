namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The fleet over in-memory transport pairs: every connection is a pair delivered on the given scheduler, so with a
/// <c>TestScheduler</c> the devices, the Telnet sessions and the poller all run in virtual time.
/// </summary>
public sealed class InMemoryFleet : IDisposable
{
    private readonly Dictionary<string, SimulatedDevice> _devices;
    private readonly TelnetSessionOptions _options;
    private readonly IScheduler _scheduler;

    public InMemoryFleet(IEnumerable<DeviceProfile> profiles, IScheduler scheduler, DateTimeOffset? epoch = null)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;
        _options = new TelnetSessionOptions { Scheduler = scheduler };
        var start = epoch ?? scheduler.Now;
        Devices = [.. profiles.Select(p => new SimulatedDevice(p, scheduler, start))];
        _devices = Devices.ToDictionary(d => d.Name);
    }

    public IReadOnlyList<SimulatedDevice> Devices { get; }

    public SimulatedDevice this[string name] => _devices[name];

    /// <summary>Opens a connection to a device: a started client session whose peer the device serves. Cold: one connection per subscription.</summary>
    public IObservable<TelnetSession> Connect(string deviceId) =>
        Observable.Defer(() =>
        {
            if (!_devices.TryGetValue(deviceId, out var device))
            {
                return Observable.Throw<TelnetSession>(new InvalidOperationException($"No device named {deviceId}."));
            }

            var (client, server) = InMemoryTransport.CreatePair(_scheduler);
            // The device side reads through its hot Data stream only.
            var served = new TelnetSession(server, _options with { QueueForReads = false });
            device.Serve(served);
            served.Start();
            return Observable.Return(new TelnetSession(client, _options).Start());
        });

    public void Dispose()
    {
        foreach (var device in Devices)
        {
            device.Dispose();
        }
    }
}
