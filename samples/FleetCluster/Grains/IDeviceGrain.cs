namespace RxTelnet.Samples.FleetCluster.Grains;

using Orleans.Concurrency;

/// <summary>
/// One polled device, keyed <c>host:port</c>. Activating it opens the device's Telnet session and starts its poll
/// timer; the grain lives as long as something keeps attaching to it (see <c>FleetKeeper</c>).
/// </summary>
public interface IDeviceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Makes sure the device is being polled and that its results go to <paramref name="observer"/>; activates the
    /// grain (on any silo) if it is not active. Interleaves with a running poll: it only swaps a field.
    /// </summary>
    /// <returns>The silo the grain runs on.</returns>
    [AlwaysInterleave]
    Task<string> Attach(IPollObserver observer);
}

/// <summary>Receives every poll result of the devices that were attached to it.</summary>
public interface IPollObserver : IGrainObserver
{
    /// <summary>One result; one-way, so a slow consumer never holds up a grain.</summary>
    [OneWay]
    Task OnPolled(FleetPollResult result);
}
