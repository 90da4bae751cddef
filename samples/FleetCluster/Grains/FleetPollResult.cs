namespace RxTelnet.Samples.FleetCluster.Grains;

/// <summary>What became of one poll slot of one device.</summary>
[GenerateSerializer]
public enum FleetPollStatus
{
    /// <summary>The command answered and its output parsed.</summary>
    Ok = 0,

    /// <summary>No logged-in session at poll time: the device is down or being reconnected with backoff.</summary>
    NotConnected = 1,

    /// <summary>No prompt within the command timeout (the session is then replaced).</summary>
    Timeout = 2,

    /// <summary>The session failed during the poll.</summary>
    Failed = 3,

    /// <summary>The previous poll was still running when this slot came.</summary>
    Skipped = 4,
}

/// <summary>
/// One poll result as it leaves a device grain: the device, the slot's sequence number (see <see cref="PollSlots"/>),
/// the silo that polled, the outcome and a summary of the counters.
/// </summary>
/// <param name="DeviceId">The grain key, <c>host:port</c>.</param>
/// <param name="Sequence">The per-device sequence number: the poll slot.</param>
/// <param name="Silo">The silo the grain ran on.</param>
/// <param name="FirstOfActivation">Whether this is the first result of this grain activation (after start or failover).</param>
/// <param name="Scheduled">When the poll started.</param>
/// <param name="Completed">When its result was known.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Interfaces">How many interfaces the output listed.</param>
/// <param name="RxBytes">The sum of the received-bytes counters.</param>
/// <param name="TxBytes">The sum of the sent-bytes counters.</param>
/// <param name="Errors">The sum of the error counters.</param>
/// <param name="Error">Why the poll failed, if it did.</param>
[GenerateSerializer]
[Immutable]
public sealed record FleetPollResult(
    [property: Id(0)] string DeviceId,
    [property: Id(1)] long Sequence,
    [property: Id(2)] string Silo,
    [property: Id(3)] bool FirstOfActivation,
    [property: Id(4)] DateTimeOffset Scheduled,
    [property: Id(5)] DateTimeOffset Completed,
    [property: Id(6)] FleetPollStatus Status,
    [property: Id(7)] int Interfaces,
    [property: Id(8)] long RxBytes,
    [property: Id(9)] long TxBytes,
    [property: Id(10)] long Errors,
    [property: Id(11)] string? Error)
{
    /// <summary>Gets whether the device failed to answer (a skipped slot says nothing about the device).</summary>
    public bool IsFailure => Status is FleetPollStatus.NotConnected or FleetPollStatus.Timeout or FleetPollStatus.Failed;
}
