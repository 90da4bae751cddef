namespace RxTelnet.Internal;

using System.Reactive.Disposables;

/// <summary>
/// A hot multicast like <c>Subject&lt;T&gt;</c>, except that a subscriber whose <c>OnNext</c> throws is dropped and
/// its exception reported, so one faulty subscriber cannot break the producer or starve the others.
/// </summary>
/// <remarks>Producers call OnNext serially (one receive loop per session); subscribe and dispose may race with it.</remarks>
internal sealed class Broadcast<T>(IObserver<Exception> errors) : IObservable<T>
{
    private readonly object _gate = new();
    private IObserver<T>[] _observers = [];
    private Exception? _error;
    private bool _done;

    /// <summary>Gets whether anyone is subscribed now (a subscriber may come or go right after).</summary>
    public bool HasObservers => Volatile.Read(ref _observers).Length > 0;

    public IDisposable Subscribe(IObserver<T> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        lock (_gate)
        {
            if (!_done)
            {
                _observers = [.. _observers, observer];
                return Disposable.Create(() => Remove(observer));
            }
        }

        if (_error is { } error)
        {
            observer.OnError(error);
        }
        else
        {
            observer.OnCompleted();
        }

        return Disposable.Empty;
    }

    public void OnNext(T value)
    {
        foreach (var observer in Volatile.Read(ref _observers))
        {
            try
            {
                observer.OnNext(value);
            }
            catch (Exception ex)
            {
                Remove(observer);
                errors.OnNext(ex);
            }
        }
    }

    public void OnError(Exception error) => Terminate(error);

    public void OnCompleted() => Terminate(null);

    private void Terminate(Exception? error)
    {
        IObserver<T>[] observers;
        lock (_gate)
        {
            if (_done)
            {
                return;
            }

            _done = true;
            _error = error;
            observers = _observers;
            _observers = [];
        }

        foreach (var observer in observers)
        {
            try
            {
                if (error is null)
                {
                    observer.OnCompleted();
                }
                else
                {
                    observer.OnError(error);
                }
            }
            catch (Exception ex)
            {
                errors.OnNext(ex);
            }
        }
    }

    private void Remove(IObserver<T> observer)
    {
        lock (_gate)
        {
            _observers = Array.FindAll(_observers, o => !ReferenceEquals(o, observer));
        }
    }
}
