namespace RxTelnet.Samples.MonitoringPipeline.Polling;

public enum PollStatus
{
    /// <summary>The command answered and its output was parsed.</summary>
    Ok,

    /// <summary>No logged-in session at poll time (down, or between reconnect attempts).</summary>
    NotConnected,

    /// <summary>No prompt within the command timeout.</summary>
    Timeout,

    /// <summary>The session failed during the poll.</summary>
    Failed,

    /// <summary>The previous poll of this device was still running: the poller is not keeping up.</summary>
    Skipped,
}

/// <summary>The outcome of one poll of one device.</summary>
/// <param name="DeviceId">The device.</param>
/// <param name="Poll">The poll round, 1 for the first.</param>
/// <param name="Scheduled">When the round started, on the poller's scheduler.</param>
/// <param name="Completed">When the result was known.</param>
/// <param name="Status">What happened.</param>
/// <param name="Interfaces">The counters read (empty unless <see cref="PollStatus.Ok"/>).</param>
/// <param name="GarbledLines">Lines of output that held non-text bytes.</param>
/// <param name="Error">Why the poll failed.</param>
public sealed record PollResult(
    string DeviceId,
    long Poll,
    DateTimeOffset Scheduled,
    DateTimeOffset Completed,
    PollStatus Status,
    IReadOnlyList<InterfaceCounters> Interfaces,
    int GarbledLines = 0,
    string? Error = null)
{
    public bool IsOk => Status == PollStatus.Ok;

    /// <summary>Gets whether the device failed to answer (a skipped round says nothing about the device).</summary>
    public bool IsFailure => Status is PollStatus.NotConnected or PollStatus.Timeout or PollStatus.Failed;

    public TimeSpan Latency => Completed - Scheduled;
}

public enum ConnectionEventKind
{
    Attempt,
    Connected,
    Failed,
    Lost,
}

/// <summary>What happened to a device's connection: for dashboards, and for tests that check the backoff schedule.</summary>
/// <param name="Time">When, on the poller's scheduler.</param>
/// <param name="DeviceId">The device.</param>
/// <param name="Kind">What happened.</param>
/// <param name="Attempt">The connect attempt this belongs to, counting from 1 over the poller's life.</param>
/// <param name="RetryIn">For <see cref="ConnectionEventKind.Failed"/>: how long until the next attempt.</param>
/// <param name="Detail">Why it failed or was lost.</param>
public sealed record ConnectionEvent(DateTimeOffset Time, string DeviceId, ConnectionEventKind Kind, int Attempt, TimeSpan? RetryIn = null, string? Detail = null);
