namespace RxTelnet;

using System.Reactive.Concurrency;
using System.Text;
using RxTelnet.Reading;

/// <content>The Converse operator: lossless sequential reads (and sends) over one subscription to a byte stream.</content>
public static partial class TelnetObservable
{
    /// <summary>
    /// Runs a conversation over a byte stream: <paramref name="script"/> chains steps (<see cref="TelnetConversation.ReadUntil(string, TimeSpan)"/>,
    /// <see cref="TelnetConversation.Expect(TimeSpan, string[])"/>, <see cref="TelnetConversation.Lines()"/>, sends...) and
    /// every step sees exactly what the steps before it left unread.
    /// </summary>
    /// <typeparam name="T">What the conversation produces.</typeparam>
    /// <param name="source">The bytes, in order: raw chunks, or cooked data from <c>ParseTelnet()</c>. Subscribed to once per subscription, after the script's observable. Each chunk is copied.</param>
    /// <param name="script">Builds the conversation's observable from its steps; called once per subscription.</param>
    /// <param name="scheduler">The scheduler every step's timeout runs on.</param>
    /// <param name="send">Sends bytes for <see cref="TelnetConversation.Send(string)"/>; null for a conversation that only reads.</param>
    /// <param name="encoding">How text is sent, awaited and decoded; UTF-8 when null.</param>
    /// <returns>What the script's observable produces; its completion or error ends the conversation and unsubscribes from <paramref name="source"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="script"/> or <paramref name="scheduler"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// Like <c>Publish(selector)</c>, but no byte is lost between steps: the source is subscribed once and every byte
    /// no step has taken yet waits in a buffer of up to <see cref="DefaultMaxBufferLength"/> bytes, so a hot source
    /// may run ahead of the script (while it sends, say). A chunk that does not fit ends the input with
    /// <see cref="TelnetBufferLimitExceededException"/>; the steps still read what fitted.
    /// </para>
    /// <para>
    /// Over a hot source, bytes that arrive before subscription are not seen; over a cold one, the whole stream is.
    /// The source's completion and error do not end the conversation by themselves: they reach the steps that wait
    /// for more (as <see cref="TelnetEofException"/> or the error), and the script decides. Disposing the subscription
    /// disposes the steps and unsubscribes from the source.
    /// </para>
    /// </remarks>
    /// <example>
    /// <code>
    /// var output = socketChunks.Converse(c =>
    ///     from _ in c.ReadUntil("login: ", TimeSpan.FromSeconds(10))
    ///     from s in c.Send("admin\r\n")
    ///     from prompt in c.Expect(TimeSpan.FromSeconds(10), @"\$ $", "denied")
    ///     select prompt.Index, scheduler, send);
    /// </code>
    /// </example>
    public static IObservable<T> Converse<T>(
        this IObservable<ReadOnlyMemory<byte>> source,
        Func<TelnetConversation, IObservable<T>> script,
        IScheduler scheduler,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task>? send = null,
        Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(scheduler);
        return ConversationRunner.Create(core => source.SubscribeSafe(core), script, scheduler, send, encoding ?? Encoding.UTF8);
    }

    /// <summary>Runs a conversation over chunks of bytes.</summary>
    /// <typeparam name="T">What the conversation produces.</typeparam>
    /// <param name="source">The chunks, in order. Subscribed to once per subscription; each chunk is copied.</param>
    /// <param name="script">Builds the conversation's observable from its steps.</param>
    /// <param name="scheduler">The scheduler every step's timeout runs on.</param>
    /// <param name="send">Sends bytes for <see cref="TelnetConversation.Send(string)"/>; null for a conversation that only reads.</param>
    /// <param name="encoding">How text is sent, awaited and decoded; UTF-8 when null.</param>
    /// <returns>What the script's observable produces.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/>, <paramref name="script"/> or <paramref name="scheduler"/> is null.</exception>
    /// <remarks>See <see cref="Converse{T}(IObservable{ReadOnlyMemory{byte}}, Func{TelnetConversation, IObservable{T}}, IScheduler, Func{ReadOnlyMemory{byte}, CancellationToken, Task}?, Encoding?)"/>.</remarks>
    public static IObservable<T> Converse<T>(
        this IObservable<byte[]> source,
        Func<TelnetConversation, IObservable<T>> script,
        IScheduler scheduler,
        Func<ReadOnlyMemory<byte>, CancellationToken, Task>? send = null,
        Encoding? encoding = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Converse(ReadingArguments.AsMemory(source), script, scheduler, send, encoding);
    }
}
