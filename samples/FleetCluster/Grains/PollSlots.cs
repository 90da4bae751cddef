namespace RxTelnet.Samples.FleetCluster.Grains;

/// <summary>
/// The poll schedule of one device as numbered slots: slot <c>n</c> is the period that starts at
/// <c>epoch + offset + (n - 1) * period</c>, and its poll runs in the middle of it. The slot number is the poll's
/// sequence number: it is the same on whichever silo the device's grain runs, so a grain that moved after a failover
/// goes on with the right number, and the slots it could not poll while it moved show up as a gap.
/// </summary>
/// <remarks>
/// Pure arithmetic on the clock, no timers: the grain asks <see cref="SlotAt"/> what a tick is for and
/// <see cref="DelayToNextPoll"/> when to tick next, so a timer that drifts or fires twice never yields a duplicate or a
/// skipped number. The offset spreads the devices over the period so they do not all poll at once.
/// </remarks>
public readonly record struct PollSlots
{
    public PollSlots(DateTimeOffset epoch, TimeSpan period, TimeSpan offset)
    {
        if (period <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"The poll period must be positive, not {period}.");
        }

        if (offset < TimeSpan.Zero || offset >= period)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"The offset must lie in [0, {period}), not {offset}.");
        }

        Epoch = epoch;
        Period = period;
        Offset = offset;
    }

    public DateTimeOffset Epoch { get; }

    public TimeSpan Period { get; }

    public TimeSpan Offset { get; }

    /// <summary>Spreads devices over the period: a stable offset from the device's key (not <see cref="string.GetHashCode()"/>, which differs per process).</summary>
    public static TimeSpan OffsetFor(string key, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(key);
        uint hash = 2166136261;
        foreach (var c in key)
        {
            hash = unchecked((hash ^ c) * 16777619);
        }

        return TimeSpan.FromTicks((long)(hash % (ulong)period.Ticks));
    }

    /// <summary>The slot <paramref name="now"/> falls in: 1 for the first period after the epoch and offset, 0 before it.</summary>
    public long SlotAt(DateTimeOffset now)
    {
        var since = now - Epoch - Offset;
        return since < TimeSpan.Zero ? 0 : (since.Ticks / Period.Ticks) + 1;
    }

    /// <summary>When the poll of <paramref name="slot"/> is due: the middle of the slot, as far as possible from either edge.</summary>
    public DateTimeOffset PollTimeOf(long slot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slot, 1);
        return Epoch + Offset + TimeSpan.FromTicks(((slot - 1) * Period.Ticks) + (Period.Ticks / 2));
    }

    /// <summary>How long from <paramref name="now"/> until the next slot's poll after <paramref name="lastPolled"/> (never negative).</summary>
    public TimeSpan DelayToNextPoll(DateTimeOffset now, long lastPolled)
    {
        var next = Math.Max(SlotAt(now), lastPolled + 1);
        if (next < 1)
        {
            next = 1;
        }

        var due = PollTimeOf(next);
        if (due < now)
        {
            // Past the middle of the current slot: poll now, it is still this slot.
            return TimeSpan.Zero;
        }

        return due - now;
    }
}
