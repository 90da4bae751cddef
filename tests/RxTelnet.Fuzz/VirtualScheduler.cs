namespace RxTelnet.Fuzz;

using System.Reactive.Concurrency;

/// <summary>
/// A virtual-time scheduler for the session target: nothing runs until the target says so, on the target's own
/// thread, so a saved input replays exactly. Time is in <see cref="TimeSpan"/> ticks from zero.
/// </summary>
/// <remarks>
/// Rx's <c>AdvanceBy(0)</c> returns without running the work that is already due; the session target needs
/// exactly that step (deliver what the peer sent, no time passing), hence <see cref="RunDue"/>.
/// </remarks>
internal sealed class VirtualScheduler : VirtualTimeScheduler<long, long>
{
    /// <summary>Gets whether anything, due or not, is still scheduled.</summary>
    public bool HasWork => GetNext() is not null;

    /// <summary>Runs everything due at the current time, including what that work schedules for now.</summary>
    /// <param name="maxItems">How many items may run before the run counts as a livelock.</param>
    /// <returns>How many items ran.</returns>
    /// <exception cref="FuzzInvariantException">More than <paramref name="maxItems"/> items were due at one instant.</exception>
    public int RunDue(int maxItems) => RunUntil(Clock, maxItems);

    /// <summary>Moves time forward by <paramref name="ticks"/>, running each item at its due time.</summary>
    /// <param name="ticks">How far to go.</param>
    /// <param name="maxItems">How many items may run before the run counts as a livelock.</param>
    /// <returns>How many items ran.</returns>
    public int Advance(long ticks, int maxItems)
    {
        var ran = RunUntil(Clock + ticks, maxItems);
        Clock = Math.Max(Clock, Clock + ticks);
        return ran;
    }

    /// <summary>Runs everything that is scheduled, at any time, in time order.</summary>
    /// <param name="maxItems">How many items may run before the run counts as a livelock.</param>
    /// <returns>How many items ran.</returns>
    public int RunAll(int maxItems) => RunUntil(long.MaxValue, maxItems);

    protected override long Add(long absolute, long relative) => relative >= long.MaxValue - absolute ? long.MaxValue : absolute + relative;

    protected override DateTimeOffset ToDateTimeOffset(long absolute) => new(Math.Min(absolute, DateTimeOffset.MaxValue.UtcTicks - 1), TimeSpan.Zero);

    protected override long ToRelative(TimeSpan timeSpan) => timeSpan.Ticks;

    private int RunUntil(long until, int maxItems)
    {
        // A livelock is work that keeps scheduling itself without time passing; timers that fire again and
        // again as time goes on are legitimate, within a generous total.
        var ran = 0;
        var atThisInstant = 0;
        while (GetNext() is { } next && next.DueTime <= until)
        {
            if (next.DueTime > Clock)
            {
                Clock = next.DueTime;
                atThisInstant = 0;
            }

            if (++atThisInstant > maxItems || ++ran > 10 * maxItems)
            {
                throw new FuzzInvariantException($"livelock: {ran} scheduled items ran, {atThisInstant} of them at virtual time {Clock}, without settling");
            }

            next.Invoke();
        }

        return ran;
    }
}
