namespace RxTelnet.Internal;

using System.Reactive.Linq;
using System.Reactive.Subjects;

/// <summary>Read-only views of a <see cref="BehaviorSubject{T}"/> for the session's state streams.</summary>
internal static class CurrentValue
{
    /// <summary>
    /// The subject's current value at once, then every change, then its completion; a subscriber that comes after the
    /// completion still gets the final value first (a plain <see cref="BehaviorSubject{T}"/> gives it only the
    /// completion), so a view bound to a session that has already closed shows how it ended.
    /// </summary>
    /// <typeparam name="T">The value type.</typeparam>
    /// <param name="subject">The subject that holds the value.</param>
    /// <returns>The observable view; it hides the subject's identity.</returns>
    public static IObservable<T> Current<T>(this BehaviorSubject<T> subject) => Observable.Create<T>(observer =>
    {
        var seen = false;
        return subject.Subscribe(
            value =>
            {
                seen = true;
                observer.OnNext(value);
            },
            observer.OnError,
            () =>
            {
                if (!seen && subject.TryGetValue(out var last))
                {
                    observer.OnNext(last);
                }

                observer.OnCompleted();
            });
    });
}
