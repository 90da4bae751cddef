namespace RxTelnet.Samples.FleetCluster.Tests;

using Orleans.TestingHost;
using RxTelnet.Samples.FleetCluster.Hosting;

/// <summary>
/// Configures each test silo like the sample's: the fleet's grains and polling options. The options come from
/// <see cref="Settings"/> (the test cluster builds silos from a type, not an instance); a test sets them before it
/// deploys, and the fixture runs its tests one at a time.
/// </summary>
public sealed class FleetSilo : ISiloConfigurator
{
    public static (DateTimeOffset Epoch, TimeSpan Period) Settings { get; set; } = (DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(2));

    public void Configure(ISiloBuilder siloBuilder)
    {
        ArgumentNullException.ThrowIfNull(siloBuilder);
        var (epoch, period) = Settings;
        siloBuilder.AddFleet(o =>
        {
            o.Epoch = epoch;
            o.Period = period;
            o.CommandTimeout = period * 0.8;
            o.LoginTimeout = TimeSpan.FromSeconds(10);
        });
    }
}
