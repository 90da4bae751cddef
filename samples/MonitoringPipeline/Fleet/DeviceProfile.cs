namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>One network interface of a simulated device: counters grow at these base rates from the fleet's epoch.</summary>
public sealed record InterfaceProfile(
    string Name,
    long RxBytesPerSecond,
    long TxBytesPerSecond,
    long InitialRxBytes = 0,
    long InitialTxBytes = 0);

/// <summary>A scripted fault: active from <see cref="From"/> (inclusive) to <see cref="To"/> (exclusive), as offsets from the fleet's epoch.</summary>
public abstract record DeviceFault(TimeSpan From, TimeSpan To)
{
    public bool Covers(TimeSpan elapsed) => elapsed >= From && elapsed < To;

    /// <summary>The part of [0, <paramref name="elapsed"/>) this fault covers.</summary>
    public TimeSpan OverlapUntil(TimeSpan elapsed)
    {
        var end = elapsed < To ? elapsed : To;
        return end > From ? end - From : TimeSpan.Zero;
    }
}

/// <summary>The device is down: open sessions are dropped at the start, new connections are closed at once.</summary>
public sealed record Outage(TimeSpan From, TimeSpan To) : DeviceFault(From, To);

/// <summary>Extra traffic on one interface.</summary>
public sealed record TrafficBurst(string Interface, TimeSpan From, TimeSpan To, long ExtraRxBytesPerSecond, long ExtraTxBytesPerSecond)
    : DeviceFault(From, To);

/// <summary>Receive errors accumulate on one interface.</summary>
public sealed record ErrorStorm(string Interface, TimeSpan From, TimeSpan To, double RxErrorsPerSecond) : DeviceFault(From, To);

/// <summary>Every reply to a command received in the window is delayed.</summary>
public sealed record SlowReplies(TimeSpan From, TimeSpan To, TimeSpan Delay) : DeviceFault(From, To);

/// <summary>
/// Faults drawn from the device's seeded random generator, once per command reply, in the order the replies are made:
/// the same seed and the same sequence of commands give the same faults.
/// </summary>
/// <param name="SlowReplyProbability">Chance a reply is delayed by up to <paramref name="MaxSlowDelay"/>.</param>
/// <param name="MaxSlowDelay">The longest random delay.</param>
/// <param name="GarbageProbability">
/// Chance a reply carries noise that must not change any counter: a line of random bytes (never a CR or LF, always at
/// least one byte outside ASCII) and stray Telnet commands (IAC NOP, GA, negotiations, a whole subnegotiation) anywhere,
/// even inside numbers, where the Telnet parser removes them.
/// </param>
/// <param name="CorruptLineProbability">Chance one interface line gets random bytes spliced in, so it no longer parses.</param>
/// <param name="DisconnectProbability">Chance the device drops the connection right after a reply.</param>
public sealed record RandomFaults(
    double SlowReplyProbability,
    TimeSpan MaxSlowDelay,
    double GarbageProbability,
    double CorruptLineProbability,
    double DisconnectProbability)
{
    public static RandomFaults None { get; } = new(0, TimeSpan.Zero, 0, 0, 0);
}

/// <summary>Everything that makes one simulated device what it is.</summary>
/// <param name="Name">The host name, also the prompt: <c>Name# </c>.</param>
/// <param name="Interfaces">The interfaces <c>show interfaces</c> lists.</param>
/// <param name="Faults">Scripted faults.</param>
/// <param name="Random">Random faults.</param>
/// <param name="Seed">Seeds the device's random generator.</param>
/// <param name="User">The login name the device accepts.</param>
/// <param name="Password">The password the device accepts.</param>
public sealed record DeviceProfile(
    string Name,
    IReadOnlyList<InterfaceProfile> Interfaces,
    IReadOnlyList<DeviceFault> Faults,
    RandomFaults Random,
    int Seed,
    string User = "admin",
    string Password = "admin")
{
    public string Prompt => Name + "# ";

    public DeviceProfile With(params DeviceFault[] faults) => this with { Faults = [.. Faults, .. faults] };
}
