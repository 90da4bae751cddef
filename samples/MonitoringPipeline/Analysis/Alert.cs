namespace RxTelnet.Samples.MonitoringPipeline.Analysis;

public enum AlertKind
{
    /// <summary>An interface's rx or tx rate went above <see cref="AlertThresholds.MaxBytesPerSecond"/> (raised on the crossing, not while it stays above).</summary>
    RateAboveThreshold,

    /// <summary>An interface's error counters started increasing (raised when they start, not on every increase).</summary>
    ErrorsIncreasing,

    /// <summary>The device failed <see cref="AlertThresholds.UnreachableAfterPolls"/> polls in a row.</summary>
    Unreachable,

    /// <summary>An unreachable device answered again.</summary>
    Recovered,
}

/// <summary>An alert, stamped with the scheduler time of the poll result that raised it.</summary>
public sealed record Alert(DateTimeOffset Time, string DeviceId, AlertKind Kind, string? Interface, string Message)
{
    public override string ToString() => $"{Time:HH:mm:ss} {DeviceId} {Kind}{(Interface is null ? string.Empty : " " + Interface)}: {Message}";
}

/// <summary>When to raise alerts.</summary>
/// <param name="MaxBytesPerSecond">Rate above which an interface alerts (rx or tx).</param>
/// <param name="UnreachableAfterPolls">Failed polls in a row after which a device is unreachable.</param>
public sealed record AlertThresholds(double MaxBytesPerSecond, int UnreachableAfterPolls = 3);
