namespace RxTelnet.Samples.FleetCluster.Grains;

using System.Diagnostics.Metrics;
using RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>
/// The silo's own counters, on a <see cref="Meter"/> named <c>RxTelnet.FleetCluster</c>: active device grains, polls by
/// status, connection events by kind. Any <c>MeterListener</c> or OpenTelemetry exporter picks them up.
/// </summary>
public static class FleetMetrics
{
    public const string MeterName = "RxTelnet.FleetCluster";

    private static readonly Meter Meter = new(MeterName);
    private static readonly UpDownCounter<int> Devices = Meter.CreateUpDownCounter<int>("fleet.devices.active", "{device}", "Device grains active in this silo.");
    private static readonly Counter<long> Polls = Meter.CreateCounter<long>("fleet.polls", "{poll}", "Polls by status.");
    private static readonly Counter<long> Connections = Meter.CreateCounter<long>("fleet.connection.events", "{event}", "Connect attempts, connects, failures and losses.");
    private static int _active;

    /// <summary>Gets how many device grains are active in this process.</summary>
    public static int ActiveDevices => Volatile.Read(ref _active);

    internal static void Activated()
    {
        Interlocked.Increment(ref _active);
        Devices.Add(1);
    }

    internal static void Deactivated()
    {
        Interlocked.Decrement(ref _active);
        Devices.Add(-1);
    }

    internal static void Polled(FleetPollResult result) =>
        Polls.Add(1, new KeyValuePair<string, object?>("status", result.Status.ToString()));

    internal static void Connection(ConnectionEvent e) =>
        Connections.Add(1, new KeyValuePair<string, object?>("kind", e.Kind.ToString()));
}
