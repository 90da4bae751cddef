namespace RxTelnet.Samples.FleetCluster.Collecting;

using RxTelnet.Samples.FleetCluster.Grains;

/// <summary>How a result fits its device's sequence.</summary>
public enum LedgerVerdict
{
    /// <summary>The device's first result seen.</summary>
    First,

    /// <summary>The number right after the last one.</summary>
    Next,

    /// <summary>Numbers were skipped: <see cref="LedgerEntry.MissingFrom"/> to <see cref="LedgerEntry.MissingTo"/> never arrived.</summary>
    AfterGap,

    /// <summary>A number at or below the last one: a duplicate (or a result that overtook an earlier one). Not counted again.</summary>
    Duplicate,
}

/// <summary>The ledger's judgement of one result, and the gap it revealed, if any.</summary>
public readonly record struct LedgerEntry(FleetPollResult Result, LedgerVerdict Verdict, long MissingFrom = 0, long MissingTo = 0)
{
    public long Missing => Verdict == LedgerVerdict.AfterGap ? MissingTo - MissingFrom + 1 : 0;
}

/// <summary>
/// Checks every device's results against its sequence: each number once, in order. What is missing is reported as a
/// gap, never silently skipped; what comes twice is reported and dropped. Holds one entry per device, so its size is
/// bounded by the fleet. Not thread-safe: feed it from one thread (the collector serialises).
/// </summary>
public sealed class ResultLedger
{
    private readonly Dictionary<string, DeviceLine> _devices = new(StringComparer.Ordinal);

    /// <summary>Gets how many devices sent at least one result.</summary>
    public int Devices => _devices.Count;

    public long Accepted { get; private set; }

    public long Duplicates { get; private set; }

    public long Gaps { get; private set; }

    public long MissingResults { get; private set; }

    public LedgerEntry Record(FleetPollResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_devices.TryGetValue(result.DeviceId, out var line))
        {
            _devices[result.DeviceId] = new DeviceLine(result.Sequence, result.Silo);
            Accepted++;
            return new LedgerEntry(result, LedgerVerdict.First);
        }

        if (result.Sequence <= line.Last)
        {
            Duplicates++;
            return new LedgerEntry(result, LedgerVerdict.Duplicate);
        }

        var expected = line.Last + 1;
        _devices[result.DeviceId] = new DeviceLine(result.Sequence, result.Silo);
        Accepted++;
        if (result.Sequence == expected)
        {
            return new LedgerEntry(result, LedgerVerdict.Next);
        }

        Gaps++;
        MissingResults += result.Sequence - expected;
        return new LedgerEntry(result, LedgerVerdict.AfterGap, expected, result.Sequence - 1);
    }

    /// <summary>The last sequence number seen from <paramref name="deviceId"/>, or null.</summary>
    public long? LastOf(string deviceId) => _devices.TryGetValue(deviceId, out var line) ? line.Last : null;

    /// <summary>The silo of the last result from each device.</summary>
    public IReadOnlyDictionary<string, string> SiloOfEachDevice() => _devices.ToDictionary(d => d.Key, d => d.Value.Silo, StringComparer.Ordinal);

    private readonly record struct DeviceLine(long Last, string Silo);
}
