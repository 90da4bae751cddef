namespace RxTelnet.Session;

using RxTelnet.Reading;

/// <content>Conversations over the session's queue of cooked data.</content>
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
    /// <para>
    /// The conversation takes from the session's queue only while one of its steps waits for more, so between steps
    /// (while the script sends, say) data stays queued and the session's backpressure holds a fast peer back as it
    /// does for any read. While a step waits, the conversation is the session's sequential reader, and another read
    /// fails as pending. When the conversation ends (completes, fails or is disposed), the bytes it took and no step
    /// read go back to the front of the session's queue, so the next read sees them.
    /// </para>
    /// <para>The session's end of stream reaches a waiting step as <see cref="TelnetEofException"/>.</para>
    /// </remarks>
    public IObservable<T> Converse<T>(Func<TelnetConversation, IObservable<T>> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        EnsureQueueForReads();
        return ConversationRunner.Create(
            core => new ConversationFeed(this, core),
            script,
            _options.Scheduler,
            (data, ct) => WriteAsync(data, ct),
            TextEncoding);
    }

    /// <summary>Puts bytes a conversation took and did not read back in front of the queue.</summary>
    /// <param name="data">The bytes.</param>
    private void Unread(byte[] data)
    {
        if (data.Length == 0)
        {
            return;
        }

        PendingCompletion completion;
        lock (_gate)
        {
            _buffer.Prepend(data);
            completion = EvaluatePending(ReadTrigger.Data);
        }

        completion.Deliver();
    }

    /// <summary>
    /// Feeds a conversation from the session's queue on demand: one <see cref="ReadSome"/> at a time, only while a
    /// step waits. Its state is guarded by the conversation's lock.
    /// </summary>
    private sealed class ConversationFeed : IDisposable
    {
        private readonly TelnetSession _session;
        private readonly ConversationCore _core;
        private IDisposable? _read;
        private long _generation;
        private bool _inFlight;
        private bool _stopped;

        public ConversationFeed(TelnetSession session, ConversationCore core)
        {
            _session = session;
            _core = core;
            lock (core.Gate)
            {
                core.Demand = Demand;
            }

            // A step that subscribed before the feed existed may already wait.
            lock (core.Gate)
            {
                core.RequestMoreForReader();
            }
        }

        public void Dispose()
        {
            IDisposable? read;
            lock (_core.Gate)
            {
                if (_stopped)
                {
                    return;
                }

                _stopped = true;
                read = _read;
                _read = null;
            }

            read?.Dispose();
            _session.Unread(_core.TakeUnreadAndClose());
        }

        // Called under the conversation's lock. A read that completes at once calls back (and may demand again) on this
        // stack, which the re-entrant lock allows; the generation keeps an older, finished read from replacing it.
        private void Demand()
        {
            if (_inFlight || _stopped)
            {
                return;
            }

            _inFlight = true;
            var generation = ++_generation;
            var read = _session.ReadSome().Subscribe(
                chunk => OnChunk(generation, chunk),
                error => OnEnd(generation, error));
            if (_inFlight && _generation == generation)
            {
                _read = read;
            }
        }

        private void OnChunk(long generation, byte[] chunk)
        {
            lock (_core.Gate)
            {
                if (generation != _generation)
                {
                    return;
                }

                _inFlight = false;
                _read = null;
                if (_stopped)
                {
                    // Taken while the conversation was being stopped: back to the session, nothing lost.
                    _session.Unread(chunk);
                    return;
                }

                if (chunk.Length == 0)
                {
                    _core.OnCompleted();
                }
                else
                {
                    _core.OnNext(chunk);
                }
            }
        }

        private void OnEnd(long generation, Exception error)
        {
            lock (_core.Gate)
            {
                if (generation != _generation || _stopped)
                {
                    return;
                }

                _inFlight = false;
                _read = null;
                _core.OnError(error);
            }
        }
    }
}
