namespace RxTelnet.Samples.MonitoringPipeline.Polling;

using System.Text.RegularExpressions;
using RxTelnet.Samples.MonitoringPipeline.Fleet;

/// <summary>How the poller polls: period, timeouts, reconnect backoff and the command it sends.</summary>
public sealed record PollerOptions
{
    public TimeSpan PollPeriod { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets how long a command may take before the poll fails; the session is then dropped, so a late reply cannot pose as the next one.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets how long each step of the login dialogue may take.</summary>
    public TimeSpan LoginTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets the wait after the first failed connect; it doubles with every further failure up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(60);

    public string Command { get; init; } = "show interfaces";

    /// <summary>The wait after <paramref name="failures"/> consecutive failed connects (1, 2, 4, ... times <see cref="BackoffInitial"/>, capped).</summary>
    public TimeSpan Backoff(int failures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failures, 1);
        var factor = Math.Pow(2, Math.Min(failures - 1, 30));
        var ticks = BackoffInitial.Ticks * factor;
        return ticks >= BackoffMax.Ticks ? BackoffMax : TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>One device to poll: its id (what the session factory is called with), credentials and prompt.</summary>
/// <param name="Id">The device's id.</param>
/// <param name="User">The login name; null when the device opens straight into a shell.</param>
/// <param name="Password">The password; null when none is asked for.</param>
/// <param name="Prompt">The shell prompt, matched over the received text read as Latin-1.</param>
public sealed record DeviceTarget(string Id, string? User, string? Password, Regex Prompt)
{
    public static DeviceTarget For(DeviceProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        return new DeviceTarget(profile.Name, profile.User, profile.Password, new Regex("(?:^|\n)" + Regex.Escape(profile.Prompt), RegexOptions.CultureInvariant));
    }
}
