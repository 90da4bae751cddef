namespace RxTelnet.Samples.FleetCluster.Grains;

using System.Globalization;
using System.Net;

/// <summary>A device grain's key: where the device listens, <c>host:port</c> (<c>[v6]:port</c> for IPv6).</summary>
public readonly record struct DeviceKey(string Host, int Port)
{
    public static DeviceKey Parse(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var colon = key.LastIndexOf(':');
        if (colon <= 0 || colon == key.Length - 1
            || !int.TryParse(key.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < IPEndPoint.MinPort + 1 or > IPEndPoint.MaxPort)
        {
            throw new FormatException($"A device key is host:port with a port from 1 to 65535, not \"{key}\".");
        }

        var host = key[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return new DeviceKey(host, port);
    }

    public static DeviceKey Of(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        return new DeviceKey(endPoint.Address.ToString(), endPoint.Port);
    }

    public override string ToString() =>
        Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}
