namespace RxTelnet.Reading;

using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;

/// <summary>Runs a conversation: one <see cref="ConversationCore"/>, the script's observable, then the input.</summary>
internal static class ConversationRunner
{
    /// <summary>Creates the observable of a conversation.</summary>
    /// <typeparam name="T">What the script produces.</typeparam>
    /// <param name="connect">Starts feeding the core; its disposable stops it (and may hand unread bytes back).</param>
    /// <param name="script">The script.</param>
    /// <param name="scheduler">The steps' scheduler.</param>
    /// <param name="send">The sender, or null.</param>
    /// <param name="encoding">The text encoding.</param>
    /// <returns>The conversation's observable.</returns>
    public static IObservable<T> Create<T>(
        Func<ConversationCore, IDisposable> connect,
        Func<TelnetConversation, IObservable<T>> script,
        IScheduler scheduler,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task>? send,
        Encoding encoding) =>
        Observable.Create<T>(observer =>
        {
            var core = new ConversationCore(scheduler, TelnetObservable.DefaultMaxBufferLength, ExpectMatcher.DefaultMaxMatchLength);
            IObservable<T> body;
            try
            {
                body = script(new TelnetConversation(core, send, encoding))
                    ?? throw new InvalidOperationException("The conversation's script returned null instead of an observable.");
            }
            catch (Exception e)
            {
                observer.OnError(e);
                return Disposable.Empty;
            }

            // The script's steps subscribe first, so a cold source's first chunks meet a waiting step or the buffer.
            var output = body.SubscribeSafe(observer);
            var input = connect(core);
            return StableCompositeDisposable.Create(output, input, core);
        });
}
