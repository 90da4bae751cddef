namespace RxTelnet.Compat;

using System.Globalization;
using System.Reactive.Concurrency;

/// <content>telnetlib's queues and its raw-queue machinery: <c>fill_rawq</c>, <c>process_rawq</c>, <c>rawq_getchar</c>, <c>sock_avail</c>.</content>
public sealed partial class Telnet
{
    /// <summary>What one <c>fill_rawq</c> asks <c>recv</c> for, as telnetlib does (small, to keep <c>process_rawq</c> linear).</summary>
    public const int RecvSize = 50;

    private const byte Iac = TelnetConstants.IAC;

    private readonly ByteQueue _cookedq = new();
    private readonly ByteQueue _sbdataq = new();
    private byte[] _rawq = [];
    private int _irawq;
    private int _iacseqLength;
    private byte _iacseqCommand;
    private int _sb;
    private bool _eof;
    private int _reading;

    /// <summary>
    /// Fills the raw queue from exactly one <c>recv</c> of at most <see cref="RecvSize"/> bytes (telnetlib's
    /// <c>fill_rawq</c>); blocks while nothing has arrived. Sets <see cref="Eof"/> when that <c>recv</c> finds the end of the stream.
    /// </summary>
    /// <exception cref="TelnetClosedException">The instance has no connection (telnetlib: <c>AttributeError</c>).</exception>
    /// <exception cref="TimeoutException">Nothing arrived within <see cref="Timeout"/> (telnetlib's socket timeout).</exception>
    /// <exception cref="TelnetException">The connection failed (reset); <see cref="Exception.InnerException"/> says how.</exception>
    /// <exception cref="InvalidOperationException">Another read is running.</exception>
    public void FillRawq() => Blocking(async () => { await FillRawqAsync().ConfigureAwait(false); return true; });

    /// <summary>Fills the raw queue from one <c>recv</c>; see <see cref="FillRawq"/>.</summary>
    /// <param name="cancellationToken">Abandons the wait for data; nothing is lost.</param>
    /// <returns>A task that completes when the raw queue was filled.</returns>
    public Task FillRawqAsync(CancellationToken cancellationToken = default) =>
        RunReadAsync(async token =>
        {
            await FillRawqCoreAsync(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Moves the raw queue to the cooked queue (telnetlib's <c>process_rawq</c>): drops NUL and 0x11, unescapes
    /// <c>IAC IAC</c>, collects subnegotiation data, and for each command calls the negotiation callback or, without
    /// one, answers <c>DO</c>/<c>DONT</c> with <c>WONT</c> and <c>WILL</c>/<c>WONT</c> with <c>DONT</c>. Never blocks.
    /// </summary>
    /// <exception cref="TelnetClosedException">A refusal is due and the instance has no connection (telnetlib: <c>AttributeError</c>).</exception>
    /// <exception cref="TelnetBufferLimitExceededException">The cooked queue would go past <see cref="Session.TelnetSessionOptions.MaxReadAllBytes"/>.</exception>
    /// <exception cref="InvalidOperationException">Another read is running.</exception>
    /// <remarks>An exception thrown by the callback propagates, and the data cooked so far in this call is lost, as in telnetlib.</remarks>
    public void ProcessRawq() => RunRead(ProcessRawqCore);

    /// <summary>Tells whether a <c>recv</c> would return at once (telnetlib's <c>sock_avail</c>, a <c>select</c> with no wait).</summary>
    /// <returns>Whether data, or the end of the stream, is waiting at the connection.</returns>
    /// <exception cref="TelnetClosedException">The instance has no connection (telnetlib: <c>AttributeError</c>).</exception>
    public bool SockAvail() => RequireSocket().Readable;

    private async Task FillRawqCoreAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_irawq >= _rawq.Length)
            {
                _rawq = [];
                _irawq = 0;
            }
        }

        var sock = RequireSocket();
        await FillRawqFromAsync(sock, cancellationToken).ConfigureAwait(false);
    }

    /// <summary><c>fill_rawq</c> on the connection a read started with; a close on another thread ends it as end of stream.</summary>
    private async Task FillRawqFromAsync(TelnetSocket sock, CancellationToken cancellationToken)
    {
        if (ClosedSince(sock))
        {
            return;
        }

        if (_rawq.Length >= _options.MaxBufferedBytes)
        {
            throw new TelnetBufferLimitExceededException(nameof(Session.TelnetSessionOptions.MaxBufferedBytes), _options.MaxBufferedBytes, _rawq.Length + RecvSize);
        }

        // telnetlib's sendall blocks while the peer does not take our refusals: so do we, before reading more.
        await sock.WaitForSendRoomAsync(_timeout, cancellationToken).ConfigureAwait(false);
        if (!await sock.WaitReadableAsync(_timeout, cancellationToken).ConfigureAwait(false))
        {
            throw new TimeoutException("timed out");
        }

        if (ClosedSince(sock))
        {
            // Closed on another thread while this read waited: Close set eof, which ends the read as the end of stream.
            return;
        }

        FillRawqReady(sock);
    }

    /// <summary>The rest of <c>fill_rawq</c>, once a <c>recv</c> returns at once.</summary>
    private void FillRawqReady(TelnetSocket sock)
    {
        var buf = sock.Receive(RecvSize);
        Debug("recv " + PythonRepr.Bytes(buf));
        lock (_gate)
        {
            _eof = buf.Length == 0;
            if (buf.Length > 0)
            {
                var rawq = new byte[_rawq.Length + buf.Length];
                _rawq.CopyTo(rawq, 0);
                buf.CopyTo(rawq, _rawq.Length);
                _rawq = rawq;
            }
        }
    }

    /// <summary><c>fill_rawq</c> where a <c>recv</c> cannot block: the connection is readable.</summary>
    private void FillRawqNow()
    {
        lock (_gate)
        {
            if (_irawq >= _rawq.Length)
            {
                _rawq = [];
                _irawq = 0;
            }
        }

        var sock = RequireSocket();
        sock.WaitForSendRoomAsync(_timeout, CancellationToken.None).GetAwaiter().GetResult();
        FillRawqReady(sock);
    }

    private void ProcessRawqCore()
    {
        // buf[0] is cooked data, buf[1] subnegotiation data; which one a byte goes to is decided by sb as it is now.
        var buf = new[] { new List<byte>(), new List<byte>() };
        while (_irawq < _rawq.Length)
        {
            var c = RawqGetchar();
            if (_iacseqLength == 0)
            {
                if (c is TelnetConstants.theNULL or 0x11)
                {
                    continue;
                }

                if (c != Iac)
                {
                    buf[_sb].Add(c);
                    continue;
                }

                _iacseqLength = 1;
            }
            else if (_iacseqLength == 1)
            {
                // IAC CMD, or IAC CMD OPTION for WILL/WONT/DO/DONT.
                if (c is TelnetConstants.DO or TelnetConstants.DONT or TelnetConstants.WILL or TelnetConstants.WONT)
                {
                    _iacseqCommand = c;
                    _iacseqLength = 2;
                    continue;
                }

                _iacseqLength = 0;
                if (c == Iac)
                {
                    buf[_sb].Add(c);
                }
                else
                {
                    if (c == TelnetConstants.SB)
                    {
                        _sb = 1;
                        _sbdataq.Clear();
                    }
                    else if (c == TelnetConstants.SE)
                    {
                        _sb = 0;
                        AppendSbData(buf[1]);
                        buf[1].Clear();
                    }

                    if (Volatile.Read(ref _optionCallback) is { } callback)
                    {
                        // The callback is supposed to look into the subnegotiation data.
                        callback(GetSocket(), c, TelnetConstants.NOOPT);
                    }
                    else
                    {
                        Debug(string.Create(CultureInfo.InvariantCulture, $"IAC {c} not recognized"));
                    }
                }
            }
            else
            {
                var cmd = _iacseqCommand;
                _iacseqLength = 0;
                var opt = c;
                var ask = cmd is TelnetConstants.DO or TelnetConstants.DONT;
                Debug(string.Create(CultureInfo.InvariantCulture, $"IAC {NegotiationName(cmd)} {opt}"));
                if (Volatile.Read(ref _optionCallback) is { } callback)
                {
                    callback(GetSocket(), cmd, opt);
                }
                else
                {
                    // telnetlib's default: refuse everything (RFC 854 allows refusing any option).
                    SendRefusal([Iac, ask ? TelnetConstants.WONT : TelnetConstants.DONT, opt]);
                }
            }
        }

        AppendCooked(buf[0]);
        AppendSbData(buf[1]);
    }

    /// <summary>telnetlib's <c>rawq_getchar</c> on a raw queue that is not empty.</summary>
    private byte RawqGetchar()
    {
        lock (_gate)
        {
            var c = _rawq[_irawq];
            _irawq++;
            if (_irawq >= _rawq.Length)
            {
                _rawq = [];
                _irawq = 0;
            }

            return c;
        }
    }

    private void AppendCooked(List<byte> data)
    {
        if (data.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var limit = _options.MaxReadAllBytes;
            if ((long)_cookedq.Length + data.Count > limit)
            {
                throw new TelnetBufferLimitExceededException(nameof(Session.TelnetSessionOptions.MaxReadAllBytes), limit, (long)_cookedq.Length + data.Count);
            }

            _cookedq.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data));
        }
    }

    private void AppendSbData(List<byte> data)
    {
        if (data.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            var limit = _options.Parser.MaxSubnegotiationLength;
            if (_sbdataq.Length + data.Count > limit)
            {
                // Hostile or broken input: drop the subnegotiation data rather than hold it without bound.
                _sbdataq.Clear();
                Debug(string.Create(CultureInfo.InvariantCulture, $"subnegotiation data longer than {limit} bytes discarded"));
                return;
            }

            _sbdataq.Append(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(data));
        }
    }

    private static string NegotiationName(byte command) => command switch
    {
        TelnetConstants.DO => "DO",
        TelnetConstants.DONT => "DONT",
        TelnetConstants.WILL => "WILL",
        _ => "WONT",
    };

    /// <summary>One read at a time, as telnetlib's state allows: a second concurrent read is a caller's error.</summary>
    private void EnterRead()
    {
        if (Interlocked.Exchange(ref _reading, 1) != 0)
        {
            throw new InvalidOperationException("Another read is running on this Telnet instance; telnetlib's reads run one at a time.");
        }
    }

    private void ExitRead() => Volatile.Write(ref _reading, 0);

    private T RunRead<T>(Func<T> read)
    {
        EnterRead();
        try
        {
            return read();
        }
        finally
        {
            ExitRead();
        }
    }

    private void RunRead(Action read)
    {
        EnterRead();
        try
        {
            read();
        }
        finally
        {
            ExitRead();
        }
    }

    /// <remarks>
    /// The read's own continuations run where the connection wakes it (see <see cref="TelnetSocket"/>), so with a
    /// virtual-time scheduler the returned task completes at the exact virtual time telnetlib would return. With a
    /// real-time scheduler, a read that had to wait hands its result to an awaiting caller on the thread pool: the
    /// caller's code after <c>await</c> never runs on the transport's receive thread, where a blocking call would stop
    /// the connection. The blocking methods (<see cref="ReadUntil"/> and the rest) wait on their own thread and skip
    /// that hop.
    /// </remarks>
    private async Task<T> RunReadAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        // Read on the caller's thread, before the first await: the blocking wrappers mark their call.
        var handOff = !t_blockingCall && !IsVirtualTime(_options.Scheduler);
        EnterRead();
        try
        {
            var pending = read(cancellationToken);
            if (handOff && !pending.IsCompleted)
            {
                // Resumed where the read ended (the delivering thread); move to the pool before the caller resumes.
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await Task.CompletedTask.ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
            }

            return await pending.ConfigureAwait(false);
        }
        finally
        {
            ExitRead();
        }
    }

    // Set while a blocking facade method starts its asynchronous twin on this thread.
    [ThreadStatic]
    private static bool t_blockingCall;

    /// <summary>Runs a blocking facade method over its asynchronous twin, marked so that the read does not hop threads.</summary>
    private static T Blocking<T>(Func<Task<T>> call)
    {
        var outer = t_blockingCall;
        t_blockingCall = true;
        Task<T> task;
        try
        {
            task = call();
        }
        finally
        {
            t_blockingCall = outer;
        }

        return task.GetAwaiter().GetResult();
    }

    /// <summary>Whether a scheduler runs on virtual time (a <c>TestScheduler</c>, a <c>HistoricalScheduler</c>).</summary>
    private static bool IsVirtualTime(IScheduler scheduler)
    {
        for (var type = scheduler.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VirtualTimeSchedulerBase<,>))
            {
                return true;
            }
        }

        return false;
    }
}
