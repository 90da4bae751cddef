namespace RxTelnet.Samples.FleetCluster.Collecting;

using System.Globalization;
using System.Text;
using RxTelnet.Samples.FleetCluster.Grains;

/// <summary>One line of the dashboard: a silo, the devices whose last result came from it, and its counts.</summary>
public sealed record SiloLine(string Silo, int Devices, double PollsPerSecond, long Polls, long Ok, long Failures, long Skipped);

/// <summary>A dashboard frame: per-silo lines and the fleet's sequence checks.</summary>
public sealed record FleetSnapshot(DateTimeOffset At, IReadOnlyList<SiloLine> Silos, int Devices, double PollsPerSecond, long Polls, long Failures, long Gaps, long MissingResults, long Duplicates)
{
    /// <summary>Gets the mean time from a poll's start to its result, over every poll so far.</summary>
    public TimeSpan MeanLatency { get; init; }

    /// <summary>Gets the longest time from a poll's start to its result.</summary>
    public TimeSpan MaxLatency { get; init; }

    /// <summary>The frame as a fixed-width text table.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{At:HH:mm:ss}  devices {Devices}  polls/s {PollsPerSecond:0.0}  polls {Polls}  failures {Failures}  gaps {Gaps} ({MissingResults} missing)  duplicates {Duplicates}\n");
        text.Append("silo                               devices   polls/s     polls        ok  failures   skipped\n");
        foreach (var s in Silos)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Truncate(s.Silo, 34),-34} {s.Devices,8} {s.PollsPerSecond,9:0.0} {s.Polls,9} {s.Ok,9} {s.Failures,9} {s.Skipped,9}\n");
        }

        return text.ToString();
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}

/// <summary>
/// Counts what the collector saw, per silo, for the dashboard: a pure fold over <see cref="LedgerEntry"/> values plus
/// a snapshot that turns counts into rates over the time since the previous snapshot. Not thread-safe: feed it from
/// the collector's (serialised) stream and take snapshots under the same gate, or from the same thread.
/// </summary>
public sealed class FleetStatistics
{
    private readonly Dictionary<string, Counts> _silos = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _siloOfDevice = new(StringComparer.Ordinal);
    private long _gaps;
    private long _missing;
    private long _duplicates;
    private long _latencyTicks;
    private long _latencies;
    private TimeSpan _maxLatency;
    private DateTimeOffset? _lastSnapshot;

    public void Add(LedgerEntry entry)
    {
        var r = entry.Result;
        switch (entry.Verdict)
        {
            case LedgerVerdict.Duplicate:
                _duplicates++;
                return;
            case LedgerVerdict.AfterGap:
                _gaps++;
                _missing += entry.Missing;
                break;
            case LedgerVerdict.Late:
                _missing--;
                break;
        }

        _siloOfDevice[r.DeviceId] = r.Silo;
        if (!_silos.TryGetValue(r.Silo, out var c))
        {
            _silos[r.Silo] = c = new Counts();
        }

        c.Polls++;
        c.Ok += r.Status == FleetPollStatus.Ok ? 1 : 0;
        c.Failures += r.IsFailure ? 1 : 0;
        c.Skipped += r.Status == FleetPollStatus.Skipped ? 1 : 0;
        if (r.Status != FleetPollStatus.Skipped && r.Status != FleetPollStatus.NotConnected)
        {
            var latency = r.Completed - r.Scheduled;
            _latencyTicks += latency.Ticks;
            _latencies++;
            _maxLatency = latency > _maxLatency ? latency : _maxLatency;
        }
    }

    /// <summary>Takes a frame; rates are over the time since the previous call (zero on the first).</summary>
    public FleetSnapshot Snapshot(DateTimeOffset now)
    {
        var seconds = _lastSnapshot is { } last ? (now - last).TotalSeconds : 0;
        _lastSnapshot = now;
        var devicesPerSilo = _siloOfDevice.Values.GroupBy(s => s, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var lines = new List<SiloLine>();
        foreach (var (silo, c) in _silos.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            var rate = seconds > 0 ? (c.Polls - c.PollsAtSnapshot) / seconds : 0;
            c.PollsAtSnapshot = c.Polls;
            lines.Add(new SiloLine(silo, devicesPerSilo.GetValueOrDefault(silo), rate, c.Polls, c.Ok, c.Failures, c.Skipped));
        }

        return new FleetSnapshot(
            now,
            lines,
            _siloOfDevice.Count,
            lines.Sum(l => l.PollsPerSecond),
            lines.Sum(l => l.Polls),
            lines.Sum(l => l.Failures),
            _gaps,
            _missing,
            _duplicates)
        {
            MeanLatency = _latencies == 0 ? TimeSpan.Zero : TimeSpan.FromTicks(_latencyTicks / _latencies),
            MaxLatency = _maxLatency,
        };
    }

    private sealed class Counts
    {
        public long Polls { get; set; }

        public long Ok { get; set; }

        public long Failures { get; set; }

        public long Skipped { get; set; }

        public long PollsAtSnapshot { get; set; }
    }
}
