namespace RxTelnet.Samples.FleetCluster.Hosting;

using System.Net;

/// <summary>
/// Where the silos of the one-machine cluster listen: silo <c>i</c> on <c>SiloBase + i</c> (silo-to-silo) and
/// <c>GatewayBase + i</c> (clients); silo 0 is the primary that the others find the cluster through (localhost
/// clustering keeps the membership table in it).
/// </summary>
public sealed record ClusterPorts(int SiloBase = 11111, int GatewayBase = 30000)
{
    public const string ServiceId = "rxtelnet-fleet";

    public const string ClusterId = "rxtelnet-fleet-local";

    public int SiloPort(int index) => SiloBase + index;

    public int GatewayPort(int index) => GatewayBase + index;

    public IPEndPoint Primary => new(IPAddress.Loopback, SiloBase);

    public int[] Gateways(int silos) => [.. Enumerable.Range(0, silos).Select(GatewayPort)];
}
