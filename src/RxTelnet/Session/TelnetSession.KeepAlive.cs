namespace RxTelnet.Session;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using RxTelnet.Protocol;

/// <summary>What <see cref="TelnetSession.KeepAlive(TimeSpan, KeepAliveProbe)"/> sends when the line has been quiet.</summary>
public enum KeepAliveProbe
{
    /// <summary><c>IAC NOP</c> (RFC 854): keeps NAT and firewall state alive; the peer sends nothing back.</summary>
    Nop = 0,

    /// <summary><c>IAC DO TIMING-MARK</c> (RFC 860): every compliant peer answers WILL or WONT, so a live peer is heard from, which <see cref="TelnetSession.DetectDeadPeer(TimeSpan)"/> needs.</summary>
    TimingMark = 1,
}

/// <content>Keep-alive and dead-peer detection, both on the session's scheduler.</content>
public sealed partial class TelnetSession
{
    private long _lastSendTicks = long.MinValue;
    private long _lastReceiveTicks = long.MinValue;
    private IScheduler? _sendClock;
    private IScheduler? _receiveClock;

    /// <summary>Sends <paramref name="probe"/> whenever nothing has been sent for <paramref name="idle"/>, on the session's scheduler.</summary>
    /// <param name="idle">How long the line may be quiet before a probe goes out.</param>
    /// <param name="probe">What to send.</param>
    /// <returns>Dispose to stop.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="idle"/> is not positive, or <paramref name="probe"/> is not defined.</exception>
    public IDisposable KeepAlive(TimeSpan idle, KeepAliveProbe probe = KeepAliveProbe.Nop) =>
        KeepAlive(idle, probe, _options.Scheduler);

    /// <inheritdoc cref="KeepAlive(TimeSpan, KeepAliveProbe)"/>
    /// <param name="idle">How long the line may be quiet before a probe goes out.</param>
    /// <param name="probe">What to send.</param>
    /// <param name="scheduler">The scheduler the timer runs on.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    public IDisposable KeepAlive(TimeSpan idle, KeepAliveProbe probe, IScheduler scheduler)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(idle, TimeSpan.Zero);
        if (!Enum.IsDefined(probe))
        {
            throw new ArgumentOutOfRangeException(nameof(probe), probe, "Unknown keep-alive probe.");
        }

        ArgumentNullException.ThrowIfNull(scheduler);
        var wire = probe == KeepAliveProbe.Nop
            ? TelnetEncoder.Command(TelnetVerb.Nop)
            : TelnetEncoder.Negotiation(TelnetVerb.Do, TelnetOption.TimingMark);
        Volatile.Write(ref _sendClock, scheduler);
        TouchSend(scheduler);
        return Watch(scheduler, idle, () => Interlocked.Read(ref _lastSendTicks), () =>
        {
            _ = SendQuietlyAsync(wire);
            TouchSend(scheduler);
        });
    }

    /// <summary>
    /// Closes the session with <see cref="TelnetCloseReason.DeadPeer"/> when nothing has been received for
    /// <paramref name="timeout"/>, on the session's scheduler. Pair it with a <see cref="KeepAliveProbe.TimingMark"/>
    /// keep-alive shorter than the timeout so that a quiet but live peer is heard from.
    /// </summary>
    /// <param name="timeout">How long the peer may stay silent.</param>
    /// <returns>Dispose to stop watching.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is not positive.</exception>
    public IDisposable DetectDeadPeer(TimeSpan timeout) => DetectDeadPeer(timeout, _options.Scheduler);

    /// <inheritdoc cref="DetectDeadPeer(TimeSpan)"/>
    /// <param name="timeout">How long the peer may stay silent.</param>
    /// <param name="scheduler">The scheduler the timer runs on.</param>
    /// <exception cref="ArgumentNullException"><paramref name="scheduler"/> is null.</exception>
    public IDisposable DetectDeadPeer(TimeSpan timeout, IScheduler scheduler)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(scheduler);
        // Stamped by the receive path itself (TouchReceive), not through a RawReceived subscription, which would make
        // the transport copy every read for it.
        Volatile.Write(ref _receiveClock, scheduler);
        var subscription = Disposable.Create(() => Interlocked.CompareExchange(ref _receiveClock, null, scheduler));
        Interlocked.Exchange(ref _lastReceiveTicks, scheduler.Now.UtcTicks);
        var watch = Watch(scheduler, timeout, () => Interlocked.Read(ref _lastReceiveTicks), () =>
            Shutdown(TelnetCloseReason.DeadPeer, new TimeoutException($"Nothing was received for {timeout}; the peer is presumed dead.")));
        return new CompositeDisposable(subscription, watch);
    }

    /// <summary>Notes that something was received, for <see cref="DetectDeadPeer(TimeSpan, IScheduler)"/>.</summary>
    private void TouchReceive()
    {
        if (Volatile.Read(ref _receiveClock) is { } clock)
        {
            Interlocked.Exchange(ref _lastReceiveTicks, clock.Now.UtcTicks);
        }
    }

    private void TouchSend(IScheduler scheduler) => Interlocked.Exchange(ref _lastSendTicks, scheduler.Now.UtcTicks);

    private void TouchSend()
    {
        if (Volatile.Read(ref _sendClock) is { } clock)
        {
            TouchSend(clock);
        }
    }

    /// <summary>Runs <paramref name="fire"/> whenever <paramref name="last"/> is <paramref name="period"/> old, re-arming after each check.</summary>
    private IDisposable Watch(IScheduler scheduler, TimeSpan period, Func<long> last, Action fire)
    {
        var timer = new SerialDisposable();
        void Arm(TimeSpan due) => timer.Disposable = scheduler.Schedule(due, () =>
        {
            if (timer.IsDisposed || IsEof)
            {
                return;
            }

            var quiet = TimeSpan.FromTicks(scheduler.Now.UtcTicks - last());
            if (quiet >= period)
            {
                fire();
                Arm(period);
            }
            else
            {
                Arm(period - quiet);
            }
        });

        Arm(period);
        return timer;
    }
}
