namespace RxTelnet;

using System.Reactive.Concurrency;

/// <summary>The schedulers RxTelnet uses when a time-based operator is called without one.</summary>
/// <remarks>
/// Every time-based operator has an overload that takes an <see cref="IScheduler"/>; the overload without one
/// uses <see cref="TimeBasedOperations"/>, like Rx's own <c>SchedulerDefaults</c>. Pass a
/// <c>TestScheduler</c> to run timeouts in virtual time.
/// </remarks>
public static class TelnetSchedulers
{
    /// <summary>Gets the scheduler for timeouts and timers: <see cref="DefaultScheduler.Instance"/>.</summary>
    public static IScheduler TimeBasedOperations => DefaultScheduler.Instance;
}
