namespace RxTelnet.Session;

using System.Reactive.Linq;

/// <content>Conversations over the session's cooked data.</content>
public sealed partial class TelnetSession
{
    /// <summary>
    /// Runs a conversation over this session's cooked data: the same steps as over a bare byte stream
    /// (<see cref="TelnetObservable.Converse{T}(IObservable{ReadOnlyMemory{byte}}, Func{TelnetConversation, IObservable{T}}, System.Reactive.Concurrency.IScheduler, Func{ReadOnlyMemory{byte}, CancellationToken, Task}?, System.Text.Encoding?)"/>),
    /// with sends going through <see cref="WriteAsync(ReadOnlyMemory{byte}, CancellationToken)"/> (IAC doubled),
    /// timeouts on the session's scheduler and text in <see cref="TextEncoding"/>.
    /// </summary>
    /// <typeparam name="T">What the conversation produces.</typeparam>
    /// <param name="script">Builds the conversation's observable from its steps.</param>
    /// <returns>What the script's observable produces.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="script"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The session does not queue data for reads (<see cref="TelnetSessionOptions.QueueForReads"/> is false).</exception>
    /// <remarks>
    /// While subscribed, the conversation is the session's sequential reader: it takes the session's queued data as it
    /// comes (so other reads fail as pending), starting with what was queued before. Data the conversation has taken and
    /// no step has read yet counts against the conversation's own buffer
    /// (<see cref="TelnetObservable.DefaultMaxBufferLength"/>), not <see cref="TelnetSessionOptions.MaxBufferedBytes"/>.
    /// The session's end of stream reaches waiting steps as <see cref="TelnetEofException"/>.
    /// </remarks>
    public IObservable<T> Converse<T>(Func<TelnetConversation, IObservable<T>> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        EnsureQueueForReads();

        // Each ReadSome takes what is queued, or waits for the next data; an empty array is the end of stream.
        var cooked = Observable.Defer(ReadSome).Repeat().TakeWhile(static chunk => chunk.Length > 0);
        return cooked.Converse(script, _options.Scheduler, (data, ct) => WriteAsync(data, ct), TextEncoding);
    }
}
