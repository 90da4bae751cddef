namespace RxTelnet.Samples.ReactiveUi;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Terminal.Gui.App;

/// <summary>
/// An <see cref="IScheduler"/> that runs work on Terminal.Gui's main loop, so Rx subscriptions can touch views
/// (<c>ObserveOn(new UiScheduler(app))</c>).
/// </summary>
/// <remarks>
/// Work is always queued through <see cref="IApplication.AddTimeout"/>, even when scheduled from the UI thread
/// (where <see cref="IApplication.Invoke(Action)"/> would run it inline): Rx expects <c>Schedule</c> not to run
/// the action on the caller's stack. Terminal.Gui also installs a <c>MainLoopSyncContext</c> while it runs, but
/// only on the UI thread, so it is of no use to a receive loop on a socket thread; this scheduler works from any thread.
/// Work scheduled after the application is shut down is dropped: there is nothing left to draw on.
/// </remarks>
public sealed class UiScheduler(IApplication app) : LocalScheduler
{
    private readonly IApplication _app = app ?? throw new ArgumentNullException(nameof(app));

    /// <inheritdoc/>
    public override IDisposable Schedule<TState>(TState state, TimeSpan dueTime, Func<IScheduler, TState, IDisposable> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var work = new SingleAssignmentDisposable();
        var cancel = new BooleanDisposable();
        object? token;
        try
        {
            token = _app.AddTimeout(
                Scheduler.Normalize(dueTime),
                () =>
                {
                    if (!cancel.IsDisposed)
                    {
                        work.Disposable = action(this, state);
                    }

                    return false;
                });
        }
        catch (NotInitializedException)
        {
            return Disposable.Empty;
        }

        if (token is null)
        {
            return new CompositeDisposable(cancel, work);
        }

        return new CompositeDisposable(
            cancel,
            work,
            Disposable.Create(() =>
            {
                try
                {
                    _app.RemoveTimeout(token);
                }
                catch (NotInitializedException)
                {
                    // Already shut down: the timeout went with it.
                }
            }));
    }
}
