namespace RxTelnet.Samples.FleetCluster.Grains;

/// <summary>How the device grains of a silo poll. Every silo of a cluster must have the same <see cref="Epoch"/> and <see cref="Period"/>.</summary>
public sealed class FleetPollingOptions
{
    /// <summary>Gets or sets the start of slot 1 (before each device's offset); the same on every silo.</summary>
    public DateTimeOffset Epoch { get; set; } = DateTimeOffset.UnixEpoch;

    /// <summary>Gets or sets the poll period.</summary>
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan LoginTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long a command may take; it must be shorter than <see cref="Period"/> for every slot to get its poll.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the wait after the first failed connect; it doubles per failure up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; set; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(30);

    public string User { get; set; } = "admin";

    public string Password { get; set; } = "admin";

    public string Command { get; set; } = "show interfaces";

    /// <summary>Gets or sets the shell prompt as a regular expression (the simulated devices print <c>dev-N# </c>).</summary>
    public string Prompt { get; set; } = @"(?:^|\n)[A-Za-z0-9._-]+# ";
}
