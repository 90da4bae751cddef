namespace RxTelnet.Session;

using System.Text;
using RxTelnet.Protocol;

/// <content>The write path: one serialised writer, so concurrent callers never interleave partial sequences.</content>
public sealed partial class TelnetSession
{
    private readonly object _writeGate = new();
    private readonly Queue<WriteItem> _writes = new();
    private readonly OutboundCompression _outbound = new();
    private readonly Dictionary<int, WriteItem> _queuedReplies = [];
    private long _pendingSendBytes;
    private bool _writing;
    private bool _writesHeld;
    private bool _outputSuspended;

    /// <summary>
    /// Gets the bytes waiting to be sent: queued writes and replies, and the write the transport is taking now. Never
    /// more than <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>.
    /// </summary>
    public long PendingSendBytes
    {
        get
        {
            lock (_writeGate)
            {
                return _pendingSendBytes;
            }
        }
    }

    /// <summary>Sends data with every IAC doubled (telnetlib's <c>write</c>).</summary>
    /// <param name="data">The data.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet (a write never stops half-way).</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="TelnetClosedException">The session is closed.</exception>
    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        Enqueue(TelnetEncoder.EscapeData(data.Span), cancellationToken);

    /// <summary>Sends text: encoded, IAC doubled, and line ends following <paramref name="newline"/>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="encoding">The encoding; <see cref="TextEncoding"/> (ASCII unless configured or switched by CHARSET) when null.</param>
    /// <param name="newline">How CR and LF go on the wire; by default a bare LF becomes CR LF and a bare CR becomes CR NUL (RFC 854).</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The session is closed.</exception>
    public Task WriteTextAsync(string text, Encoding? encoding = null, TelnetNewline newline = TelnetNewline.NvtCrLf, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var bytes = (encoding ?? TextEncoding).GetBytes(text);
        return Enqueue(TelnetEncoder.EncodeText(bytes, newline), cancellationToken);
    }

    /// <summary>Sends bytes exactly as given, with no escaping: for pre-encoded wire data.</summary>
    /// <param name="wire">The wire bytes.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="TelnetClosedException">The session is closed.</exception>
    public Task WriteRawAsync(ReadOnlyMemory<byte> wire, CancellationToken cancellationToken = default) =>
        Enqueue(wire.ToArray(), cancellationToken);

    /// <summary>Sends a two-byte command such as <c>IAC NOP</c>, <c>IAC AYT</c>, <c>IAC BRK</c>, <c>IAC GA</c>.</summary>
    /// <param name="verb">The command.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentException"><paramref name="verb"/> is IAC, SB or a negotiation verb (they need more bytes).</exception>
    /// <exception cref="TelnetClosedException">The session is closed.</exception>
    public Task SendCommandAsync(TelnetVerb verb, CancellationToken cancellationToken = default)
    {
        if (verb is TelnetVerb.Iac or TelnetVerb.Sb or TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont)
        {
            throw new ArgumentException($"{verb} is not a two-byte command.", nameof(verb));
        }

        return Enqueue(TelnetEncoder.Command(verb), cancellationToken);
    }

    /// <summary>Sends <c>IAC verb option</c>.</summary>
    /// <param name="verb"><c>WILL</c>, <c>WONT</c>, <c>DO</c> or <c>DONT</c>.</param>
    /// <param name="option">The option.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="verb"/> is not a negotiation verb.</exception>
    /// <exception cref="TelnetClosedException">The session is closed.</exception>
    public Task SendNegotiationAsync(TelnetVerb verb, TelnetOption option, CancellationToken cancellationToken = default) =>
        Enqueue(TelnetEncoder.Negotiation(verb, option), cancellationToken);

    /// <summary>
    /// Sends <c>IAC SB option payload IAC SE</c>, doubling IAC in the payload, once the option is agreed on either side
    /// (RFC 855: no subnegotiation before agreement).
    /// </summary>
    /// <param name="option">The option.</param>
    /// <param name="payload">The payload, unescaped.</param>
    /// <param name="cancellationToken">Cancels the write if it has not started yet, or stops holding it.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="TelnetClosedException">The session is closed, or closes while the send is held.</exception>
    /// <exception cref="TelnetOptionNotAgreedException">
    /// The option is off on both sides and no request for it is pending; or it was being negotiated (the send is
    /// held until then) and the peer refused it, or did not answer within <see cref="TelnetSessionOptions.NegotiationTimeout"/>.
    /// </exception>
    /// <remarks>
    /// A send made while the option is being negotiated (for example right after <c>RequestLocal(TelnetOption.Gmcp, true)</c>)
    /// goes out right after the peer's agreement, in the order such sends were made. Use
    /// <see cref="WriteRawAsync(ReadOnlyMemory{byte}, CancellationToken)"/> to send a subnegotiation regardless.
    /// </remarks>
    public Task SendSubnegotiationAsync(TelnetOption option, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default) =>
        SendWhenAgreed(option, TelnetEncoder.Subnegotiation(option, payload.Span), cancellationToken);

    /// <summary>Queues wire bytes; the first caller drains inline, so a transport that completes synchronously sends on the caller's stack.</summary>
    private Task Enqueue(byte[] wire, CancellationToken cancellationToken) => Enqueue(wire, holdAfter: false, cancellationToken);

    private Task Enqueue(byte[] wire, bool holdAfter, CancellationToken cancellationToken) =>
        Enqueue(wire, holdAfter, isReply: false, cancellationToken);

    private Task Enqueue(
        byte[] wire,
        bool holdAfter,
        bool isReply,
        CancellationToken cancellationToken,
        TaskCompletionSource? completion = null,
        CompressionSwitch compression = CompressionSwitch.None)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        TouchSend();
        lock (_gate)
        {
            // The peer's end of stream alone does not stop writes (half-close): only our close or a failed send does.
            if (_writeClosed)
            {
                return Task.FromException(new TelnetClosedException("The session is closed; nothing can be written."));
            }
        }

        var limit = _options.MaxPendingSendBytes;
        if (wire.Length > limit)
        {
            // The caller's own mistake, not the peer's: this write fails, the session goes on.
            var tooLarge = new TelnetBufferLimitExceededException(nameof(TelnetSessionOptions.MaxPendingSendBytes), limit, wire.Length);
            _telemetry.LimitHit(tooLarge);
            return Task.FromException(tooLarge);
        }

        var replyKey = isReply ? ReplyKey(wire) : -1;
        TelnetBufferLimitExceededException? overflow = null;
        WriteItem item;
        lock (_writeGate)
        {
            if (replyKey >= 0 && _queuedReplies.TryGetValue(replyKey, out var queued))
            {
                // RFC 1143 state makes the earlier reply moot: the peer needs only the latest answer for this option
                // and direction, so a negotiation flood never queues more than one reply per option and direction.
                // Nobody waits on a reply: a completed task keeps a flood from piling continuations on the queued one.
                queued.Wire = wire;
                return Task.CompletedTask;
            }

            if (_pendingSendBytes + wire.Length > limit)
            {
                overflow = new TelnetBufferLimitExceededException(nameof(TelnetSessionOptions.MaxPendingSendBytes), limit, _pendingSendBytes + wire.Length);
                item = null!;
            }
            else
            {
                item = new WriteItem(wire, cancellationToken, completion)
                {
                    HoldAfter = holdAfter,
                    IsReply = isReply,
                    ReplyKey = replyKey,
                    Compression = compression,
                };
                _pendingSendBytes += wire.Length;
                _writes.Enqueue(item);
                if (replyKey >= 0)
                {
                    _queuedReplies[replyKey] = item;
                }
                else if (wire is [(byte)TelnetVerb.Iac, (byte)TelnetVerb.Sb, var subOption, ..])
                {
                    // A later reply for this option must not overtake the subnegotiation by replacing a reply queued
                    // before it: from here on, replies for the option queue behind it.
                    _queuedReplies.Remove(subOption);
                    _queuedReplies.Remove(256 + subOption);
                }

                if (_writing || _writesHeld || _outputSuspended)
                {
                    return item.Task;
                }

                _writing = true;
            }
        }

        if (overflow is not null)
        {
            // The peer is not taking what we send: holding more would only grow memory without bound.
            FailQueuedWrites(overflow);
            Shutdown(TelnetCloseReason.SendLimitExceeded, overflow);
            return Task.FromException(overflow);
        }

        _ = DrainWritesAsync();
        return item.Task;
    }

    /// <summary>
    /// The coalescing key of a reply that is one negotiation (<c>IAC verb option</c>): the option and the direction
    /// (ours for WILL/WONT, the peer's for DO/DONT); -1 for anything else.
    /// </summary>
    private static int ReplyKey(byte[] wire) =>
        wire is [(byte)TelnetVerb.Iac, var verb, var option]
            ? verb switch
            {
                (byte)TelnetVerb.Will or (byte)TelnetVerb.Wont => option,
                (byte)TelnetVerb.Do or (byte)TelnetVerb.Dont => 256 + option,
                _ => -1,
            }
            : -1;

    private async Task DrainWritesAsync()
    {
        while (true)
        {
            WriteItem item;
            lock (_writeGate)
            {
                if (_writesHeld || _outputSuspended || !_writes.TryDequeue(out item!))
                {
                    _writing = false;
                    return;
                }

                ForgetReply(item);

                // START-TLS: nothing may follow our FOLLOWS in plain text; the rest waits for the upgrade.
                _writesHeld = item.HoldAfter;
            }

            if (item.CancellationToken.IsCancellationRequested)
            {
                Release(item);
                item.Completion.TrySetCanceled(item.CancellationToken);
                continue;
            }

            Exception? failure = null;
            var wire = item.Wire;
            try
            {
                // MCCP2 (our output as a server) or MCCP3 (as a client): the drain alone owns the compressor.
                wire = _outbound.Transform(item.Wire, item.Compression);
                if (wire.Length > 0)
                {
                    // Not cancellable once started: a half-sent IAC sequence would corrupt the stream.
                    await _transport.SendAsync(wire, CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                failure = ex;
            }

            // Released exactly once, whatever the send or a RawSent subscriber does.
            Release(item);
            if (failure is null)
            {
                item.Completion.TrySetResult();
                if (wire.Length > 0)
                {
                    _telemetry.Sent(wire);
                    _rawSent.OnNext(wire);
                }
            }
            else
            {
                var ex = failure;
                // A send that fails because the session closed under it (disposed stream, or a socket already shut
                // down: broken pipe) is a write to a closed session, not a transport failure.
                bool closed;
                lock (_gate)
                {
                    closed = _writeClosed;
                }

                // A connection the peer closed or reset (broken pipe) fails the write with a typed exception too; the
                // transport's own exception is the inner one, and the session's state carries it.
                var closedUnderUs = ex is ObjectDisposedException || (closed && ex is IOException);
                var error = closedUnderUs ? new TelnetClosedException("The session is closed; nothing can be written.", ex)
                    : ex is IOException ? new TelnetClosedException("The connection failed; the write could not be sent: " + ex.Message, ex)
                    : ex;
                item.Completion.TrySetException(error);
                FailQueuedWrites(error);
                Shutdown(closedUnderUs ? TelnetCloseReason.LocalClose : TelnetCloseReason.TransportError, closedUnderUs ? null : ex);
            }
        }
    }

    /// <summary>Sends what was held back, in order.</summary>
    private void ReleaseWrites()
    {
        lock (_writeGate)
        {
            _writesHeld = false;
            if (!StartDrainLocked())
            {
                return;
            }
        }

        _ = DrainWritesAsync();
    }

    /// <summary>
    /// Holds everything queued for sending (data, commands and replies alike) until called again with
    /// <see langword="false"/>, which sends it in order: RFC 2217's FLOWCONTROL-SUSPEND and -RESUME. A write the
    /// transport has already taken finishes. Writes queue meanwhile up to <see cref="TelnetSessionOptions.MaxPendingSendBytes"/>,
    /// past which the session closes as for a peer that stops reading.
    /// </summary>
    /// <param name="suspended">Whether to hold output.</param>
    internal void SuspendOutput(bool suspended)
    {
        lock (_writeGate)
        {
            _outputSuspended = suspended;
            if (!StartDrainLocked())
            {
                return;
            }
        }

        _ = DrainWritesAsync();
    }

    /// <summary>Under <c>_writeGate</c>: claims the drain if something is queued, nothing holds it and no drain runs.</summary>
    private bool StartDrainLocked()
    {
        if (_writing || _writesHeld || _outputSuspended || _writes.Count == 0)
        {
            return false;
        }

        _writing = true;
        return true;
    }

    /// <summary>
    /// At the START-TLS switch point: drops the negotiation replies held behind our FOLLOWS. They answered the plain
    /// session's negotiation, which the switch ends; over TLS both sides start again and the peer asks anew. What the
    /// application wrote stays queued and goes out encrypted.
    /// </summary>
    private void DropHeldReplies()
    {
        List<WriteItem> dropped = [];
        lock (_writeGate)
        {
            // Before our FOLLOWS leaves the queue, what precedes it is still plain-session traffic and is kept.
            var held = _writesHeld;
            var count = _writes.Count;
            for (var i = 0; i < count; i++)
            {
                var item = _writes.Dequeue();
                if (held && item.IsReply)
                {
                    ForgetReply(item);
                    _pendingSendBytes -= item.Wire.Length;
                    dropped.Add(item);
                    continue;
                }

                held |= item.HoldAfter;
                _writes.Enqueue(item);
            }
        }

        foreach (var item in dropped)
        {
            // Internal, fire-and-forget writes: nobody waits on them; completing them ends the wait cleanly.
            item.Completion.TrySetResult();
        }
    }

    private void FailQueuedWrites(Exception error)
    {
        List<WriteItem> failed;
        lock (_writeGate)
        {
            failed = [.. _writes];
            _writes.Clear();
            _queuedReplies.Clear();
            foreach (var item in failed)
            {
                _pendingSendBytes -= item.Wire.Length;
            }
        }

        foreach (var item in failed)
        {
            item.Completion.TrySetException(error);
        }
    }

    /// <summary>Removes a dequeued item from the reply index, under <see cref="_writeGate"/>.</summary>
    private void ForgetReply(WriteItem item)
    {
        if (item.ReplyKey >= 0 && _queuedReplies.TryGetValue(item.ReplyKey, out var queued) && ReferenceEquals(queued, item))
        {
            _queuedReplies.Remove(item.ReplyKey);
        }
    }

    /// <summary>Counts a write that left (sent, failed or cancelled) out of <see cref="PendingSendBytes"/>.</summary>
    private void Release(WriteItem item)
    {
        lock (_writeGate)
        {
            _pendingSendBytes -= item.Wire.Length;
        }
    }

    private async Task SendQuietlyAsync(byte[] wire, bool isReply = false, CompressionSwitch compression = CompressionSwitch.None)
    {
        try
        {
            await Enqueue(wire, holdAfter: false, isReply, CancellationToken.None, completion: null, compression).ConfigureAwait(false);
        }
        catch (TelnetException)
        {
            // A reply that cannot go out because the session closed is moot.
        }
        catch (IOException)
        {
            // The transport failed; the session reports it through State.
        }
    }

    private sealed class WriteItem(byte[] wire, CancellationToken cancellationToken, TaskCompletionSource? completion = null)
    {
        /// <summary>Gets or sets the bytes; a queued reply's are replaced by a later reply for the same option and direction.</summary>
        public byte[] Wire { get; set; } = wire;

        /// <summary>Gets the coalescing key of a single negotiation reply, or -1.</summary>
        public int ReplyKey { get; init; } = -1;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public bool HoldAfter { get; init; }

        /// <summary>Gets whether outbound compression starts after these bytes, or ends before them.</summary>
        public CompressionSwitch Compression { get; init; }

        /// <summary>Gets whether this is the session's own negotiation reply (dropped if held at a START-TLS switch).</summary>
        public bool IsReply { get; init; }

        /// <summary>Gets what completes when the bytes are sent: the caller's own (a held subnegotiation's), or a new one.</summary>
        public TaskCompletionSource Completion { get; } = completion ?? new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Task => Completion.Task;
    }
}
