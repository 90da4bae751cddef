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

    /// <summary>A number seen before from this device (or too old to tell, see <see cref="ResultLedger.Window"/>). Not counted again.</summary>
    Duplicate,

    /// <summary>
    /// A number below the last one that had not been seen: it was overtaken on the way and arrives after the gap
    /// that reported it missing. It is counted, and the missing count shrinks by one.
    /// </summary>
    Late,
}

/// <summary>The ledger's judgement of one result, and the gap it revealed, if any.</summary>
public readonly record struct LedgerEntry(FleetPollResult Result, LedgerVerdict Verdict, long MissingFrom = 0, long MissingTo = 0)
{
    public long Missing => Verdict == LedgerVerdict.AfterGap ? MissingTo - MissingFrom + 1 : 0;
}

/// <summary>
/// Checks every device's results against its sequence: each number once, in order. What is missing is reported as a
/// gap, never silently skipped; what comes twice is reported and dropped; what comes late (one-way messages may
/// overtake each other under load) fills its place in the gap. Holds one entry per device, and per device a bitmap
/// of the last <see cref="Window"/> numbers, so its size is bounded by the fleet. Not thread-safe: feed it from one
/// thread (the collector serialises).
/// </summary>
public sealed class ResultLedger
{
    /// <summary>How far below the last number a late result is still told from a duplicate.</summary>
    public const int Window = 64;

    private readonly Dictionary<string, DeviceLine> _devices = new(StringComparer.Ordinal);

    /// <summary>Gets how many devices sent at least one result.</summary>
    public int Devices => _devices.Count;

    public long Accepted { get; private set; }

    public long Duplicates { get; private set; }

    /// <summary>Gets how many results arrived after a later one had revealed them as missing (they are in <see cref="Accepted"/>).</summary>
    public long LateResults { get; private set; }

    public long Gaps { get; private set; }

    public long MissingResults { get; private set; }

    public LedgerEntry Record(FleetPollResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (!_devices.TryGetValue(result.DeviceId, out var line))
        {
            _devices[result.DeviceId] = new DeviceLine(result.Sequence, 1, result.Silo);
            Accepted++;
            return new LedgerEntry(result, LedgerVerdict.First);
        }

        if (result.Sequence <= line.Last)
        {
            // Bit i of Seen stands for number Last - i.
            var back = line.Last - result.Sequence;
            if (back >= Window || (line.Seen & (1UL << (int)back)) != 0)
            {
                Duplicates++;
                return new LedgerEntry(result, LedgerVerdict.Duplicate);
            }

            _devices[result.DeviceId] = line with { Seen = line.Seen | (1UL << (int)back) };
            Accepted++;
            LateResults++;
            MissingResults--;
            return new LedgerEntry(result, LedgerVerdict.Late);
        }

        var expected = line.Last + 1;
        var shift = result.Sequence - line.Last;
        var seen = (shift >= Window ? 0 : line.Seen << (int)shift) | 1UL;
        _devices[result.DeviceId] = new DeviceLine(result.Sequence, seen, result.Silo);
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

    private readonly record struct DeviceLine(long Last, ulong Seen, string Silo);
}
