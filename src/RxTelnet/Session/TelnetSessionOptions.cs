namespace RxTelnet.Session;

using System.Diagnostics.Metrics;
using System.Reactive.Concurrency;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Transport;

/// <summary>How a <see cref="TelnetSession"/> parses, buffers and times.</summary>
public sealed record class TelnetSessionOptions
{
    private ILoggerFactory _loggerFactory = NullLoggerFactory.Instance;
    /// <summary>The default limit of cooked data held for sequential reads: 16 MiB.</summary>
    public const int DefaultMaxBufferedBytes = 16 * 1024 * 1024;

    /// <summary>The default window an <c>Expect</c> re-searches when more data arrives: 64 KiB.</summary>
    public const int DefaultMaxMatchLength = 64 * 1024;

    /// <summary>The default limit of bytes waiting to be sent: 16 MiB.</summary>
    public const int DefaultMaxPendingSendBytes = 16 * 1024 * 1024;

    /// <summary>The default most bytes one <c>ReadAll</c> returns: 256 MiB.</summary>
    public const int DefaultMaxReadAllBytes = 256 * 1024 * 1024;

    private readonly int _maxBufferedBytes = DefaultMaxBufferedBytes;
    private readonly int _maxPendingSendBytes = DefaultMaxPendingSendBytes;
    private readonly int _maxReadAllBytes = DefaultMaxReadAllBytes;
    private readonly int _maxMatchLength = DefaultMaxMatchLength;
    private readonly TelnetParserOptions _parser = TelnetParserOptions.Default;
    private readonly IScheduler _scheduler = TelnetSchedulers.TimeBasedOperations;
    private readonly TelnetOptionPolicy _policy = TelnetOptionPolicy.RefuseAll;
    private readonly IReadOnlyList<string>? _terminalTypes;
    private readonly IReadOnlyList<NewEnvironVariable>? _environment;
    private readonly Encoding _encoding = Encoding.ASCII;
    private readonly TimeSpan _negotiationTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Gets the default options.</summary>
    public static TelnetSessionOptions Default { get; } = new();

    /// <summary>
    /// Gets whether the session stops receiving while its cooked queue is full, when the transport supports it
    /// (<see cref="Transport.IReceiveFlowControl"/>: sockets, TLS, streams, in-memory pairs). True by default.
    /// </summary>
    /// <remarks>
    /// <para>
    /// With it, a peer that sends faster than the application reads is slowed down instead of the session failing:
    /// once the queue holds half of <see cref="MaxBufferedBytes"/> or 256 KiB, whichever is less, and no sequential
    /// read is waiting for more, the session stops reading the transport, which then holds what follows (for TCP,
    /// the socket's buffers, after which the peer's sends block as the window closes). Once reads have taken the
    /// queue down to half that mark, or a read has to wait for data, it reads again. No byte is lost or reordered,
    /// and the hot streams (<see cref="TelnetSession.Data"/>, ...) pause with it.
    /// </para>
    /// <para>
    /// A read that waits for a match (<c>ReadUntil</c>, <c>Expect</c>) keeps receiving, so data without the match
    /// still ends in <see cref="TelnetBufferLimitExceededException"/> at the full limit, as without pausing. A session
    /// consumed only through its hot streams must drain the queue (for example with <c>ReadBuffered</c>), or it
    /// stops receiving at that mark; set this to false to fail at the limit instead. With a transport
    /// that cannot pause (<see cref="Transport.ObservableTransport"/>) the limit applies as without this option.
    /// </para>
    /// </remarks>
    public bool PauseWhenBufferFull { get; init; } = true;

    /// <summary>
    /// Gets whether cooked data is queued for the sequential read API (<c>ReadUntil</c>, <c>Expect</c>,
    /// <c>ReadSome</c>, ...). True by default, as telnetlib keeps everything until read.
    /// </summary>
    /// <remarks>
    /// Set it to false for a session consumed only through its hot streams (a terminal view bound to
    /// <see cref="TelnetSession.Data"/>, a pipeline over <see cref="TelnetSession.Events"/>): nothing is queued, so
    /// nothing fills up, nothing pauses (<see cref="PauseWhenBufferFull"/>) and <see cref="MaxBufferedBytes"/> never
    /// applies, however long the session runs; the sequential reads then throw <see cref="InvalidOperationException"/>.
    /// With the default, a session nobody reads sequentially stops receiving once its queue holds the pause mark.
    /// </remarks>
    public bool QueueForReads { get; init; } = true;

    /// <summary>Gets how received bytes are cooked; <see cref="TelnetParserOptions.Default"/> unless set.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public TelnetParserOptions Parser
    {
        get => _parser;
        init => _parser = value ?? throw new ArgumentNullException(nameof(Parser));
    }

    /// <summary>
    /// Gets the most cooked bytes held for sequential reads (<c>ReadUntil</c>, <c>Expect</c>, ...). Going past it
    /// closes the session with <see cref="TelnetCloseReason.BufferLimitExceeded"/> and fails the pending read with
    /// <see cref="TelnetBufferLimitExceededException"/>; what was buffered before stays readable. With
    /// <see cref="PauseWhenBufferFull"/> the session stops receiving at half this limit instead, as long as no read
    /// is waiting for more data (see there).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxBufferedBytes
    {
        get => _maxBufferedBytes;
        init => _maxBufferedBytes = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxBufferedBytes), value, "The buffer limit must be at least 1 byte.");
    }

    /// <summary>
    /// Gets the most bytes waiting to be sent: queued writes, negotiation replies and the write the transport is
    /// taking now (<see cref="TelnetSession.PendingSendBytes"/>). A write that would take the total past it closes the
    /// session with <see cref="TelnetCloseReason.SendLimitExceeded"/> and fails with
    /// <see cref="TelnetBufferLimitExceededException"/> (<c>LimitName</c> <c>"MaxPendingSendBytes"</c>), as do the
    /// writes still queued: a peer that never reads cannot make the session hold more. A single write larger than the
    /// limit fails the same way at once but leaves the session open. Await writes (or send in smaller parts) to stay
    /// under it; negotiation replies are coalesced, so at most one per option and direction is ever queued.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxPendingSendBytes
    {
        get => _maxPendingSendBytes;
        init => _maxPendingSendBytes = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPendingSendBytes), value, "The send limit must be at least 1 byte.");
    }

    /// <summary>
    /// Gets the most bytes one <c>ReadAll</c> collects before the end of stream (telnetlib's <c>read_all</c> has no
    /// limit). Going past it fails that read with <see cref="TelnetBufferLimitExceededException"/> (<c>LimitName</c>
    /// <c>"MaxReadAllBytes"</c>) and closes the session: a read never ends early as if the stream had ended.
    /// While a <c>ReadAll</c> waits, <see cref="MaxBufferedBytes"/> does not apply to the queue, so it does not cap it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxReadAllBytes
    {
        get => _maxReadAllBytes;
        init => _maxReadAllBytes = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxReadAllBytes), value, "The ReadAll limit must be at least 1 byte.");
    }

    /// <summary>
    /// Gets the longest match an <c>Expect</c> is guaranteed to find across chunk boundaries: when more data arrives,
    /// only the last this-many bytes already searched are searched again, which keeps <c>Expect</c> linear.
    /// </summary>
    /// <remarks>
    /// It also bounds memory: the Latin-1 char copy an <c>Expect</c> searches keeps only about three times this
    /// many chars before the newest data, however many unmatched bytes wait in the queue; once its front was
    /// dropped, <see cref="ExpectResult.Match"/> positions count from the first char kept
    /// (<c>Match.Value</c> and groups are unaffected, and <see cref="ExpectResult.Data"/> is always every
    /// byte up to the match end).
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxMatchLength
    {
        get => _maxMatchLength;
        init => _maxMatchLength = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxMatchLength), value, "The match window must be at least 1 byte.");
    }

    /// <summary>Gets the scheduler read timeouts and timers run on; <see cref="TelnetSchedulers.TimeBasedOperations"/> unless set.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public IScheduler Scheduler
    {
        get => _scheduler;
        init => _scheduler = value ?? throw new ArgumentNullException(nameof(Scheduler));
    }

    /// <summary>
    /// Gets whether refusals are answered exactly as telnetlib answers them: every <c>DO</c> and <c>DONT</c> with
    /// <c>WONT</c>, every <c>WILL</c> and <c>WONT</c> with <c>DONT</c>. Defaults to <see langword="false"/>: then only
    /// <c>DO</c> and <c>WILL</c> are refused, and <c>DONT</c>/<c>WONT</c> (which change nothing for an option that is
    /// off) go unanswered, as RFC 1143 requires; two telnetlib-style peers would otherwise answer each other for ever.
    /// </summary>
    public bool TelnetlibRefusals { get; init; }

    /// <summary>
    /// Gets which options the session accepts when the peer asks (RFC 1143 negotiation); refuses everything
    /// unless set, like telnetlib. The application's own requests are sent whatever the policy says.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public TelnetOptionPolicy Policy
    {
        get => _policy;
        init => _policy = value ?? throw new ArgumentNullException(nameof(Policy));
    }

    /// <summary>
    /// Gets the terminal type names sent, in turn, for each TTYPE SEND (RFC 1091), once the policy allows TTYPE
    /// locally. Nothing is sent that the application did not supply: with none, the answer is <c>UNKNOWN</c>.
    /// The list is copied when set.
    /// </summary>
    /// <exception cref="ArgumentException">A name is null, empty or not printable ASCII (checked when set, not when the peer asks).</exception>
    public IReadOnlyList<string>? TerminalTypes
    {
        get => _terminalTypes;
        init
        {
            if (value is { Count: > 0 })
            {
                try
                {
                    _ = new TerminalTypeCycler(value);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Invalid terminal type in {nameof(TerminalTypes)}: {Reason(e)}", nameof(TerminalTypes), e);
                }
            }

            _terminalTypes = value is null ? null : [.. value];
        }
    }

    /// <summary>
    /// Gets the window sizes to report with NAWS (RFC 1073), once the policy allows NAWS locally: the latest size is
    /// sent when NAWS is enabled and again on every change.
    /// </summary>
    public IObservable<WindowSize>? WindowSizes { get; init; }

    /// <summary>
    /// Gets the environment variables offered through NEW-ENVIRON (RFC 1572), once the policy allows it locally. Only
    /// these are ever sent: no user name or other operating-system value leaks by default. The list is copied when set.
    /// </summary>
    /// <exception cref="ArgumentException">A variable has an empty name or a type that is not VAR or USERVAR (checked when set, not when the peer asks).</exception>
    public IReadOnlyList<NewEnvironVariable>? Environment
    {
        get => _environment;
        init
        {
            if (value is not null)
            {
                try
                {
                    _ = NewEnviron.Encode(NewEnvironCommand.Is, value);
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Invalid variable in {nameof(Environment)}: {Reason(e)}", nameof(Environment), e);
                }
            }

            _environment = value is null ? null : [.. value];
        }
    }

    /// <summary>
    /// Gets what the session answers to the peer's <c>IAC AYT</c> (Are You There, RFC 854): null, the default, answers
    /// <c>"\r\n[Yes]\r\n"</c> on a <see cref="TelnetListener"/>'s sessions, as BSD-derived telnetd does, and nothing on a
    /// client's; an empty string never answers. Sent as is (text in ASCII), after the data written before.
    /// </summary>
    public string? AreYouThereReply { get; init; }

    /// <summary>Gets the encodings the session accepts when the peer requests a CHARSET (RFC 2066), in order of preference.</summary>
    public IReadOnlyList<Encoding>? Charsets { get; init; }

    /// <summary>Gets the encoding of text written with <c>WriteTextAsync</c> until a CHARSET negotiation switches it; ASCII unless set.</summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public Encoding Encoding
    {
        get => _encoding;
        init => _encoding = value ?? throw new ArgumentNullException(nameof(Encoding));
    }

    /// <summary>Gets how long an option request waits for the peer's answer before giving up (the option then stays off); 10 seconds unless set.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public TimeSpan NegotiationTimeout
    {
        get => _negotiationTimeout;
        init => _negotiationTimeout = value > TimeSpan.Zero
            ? value
            : throw new ArgumentOutOfRangeException(nameof(NegotiationTimeout), value, "The negotiation timeout must be positive.");
    }

    /// <summary>
    /// Gets how this session takes part in START-TLS (Telnet option 46, upgrading the open connection to TLS), or
    /// null (the default) to refuse it. <see cref="StartTlsOptions.Client(string, System.Net.Security.RemoteCertificateValidationCallback?, TimeSpan?)"/>
    /// agrees to a server's <c>DO START_TLS</c>; <see cref="StartTlsOptions.Server(System.Security.Cryptography.X509Certificates.X509Certificate2, TimeSpan?)"/>
    /// accepts a client's <c>WILL START_TLS</c>. Either way <see cref="TelnetSession.StartTlsAsync"/> asks for it.
    /// </summary>
    /// <remarks>
    /// This setting alone governs option 46: <see cref="Policy"/>'s entries for it are ignored. It takes effect only
    /// over a transport that can upgrade (<see cref="ITlsUpgradableTransport"/>: TCP and stream transports), and
    /// only while the connection is not yet encrypted.
    /// </remarks>
    public StartTlsOptions? StartTls { get; init; }

    /// <summary>
    /// Gets where sessions, listeners, negotiation and connections log (categories and event ids in
    /// <see cref="Diagnostics.TelnetDiagnostics"/>); <see cref="NullLoggerFactory.Instance"/>, which logs nothing, unless set.
    /// Received and sent bytes are logged only at <see cref="LogLevel.Trace"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException">Set to null.</exception>
    public ILoggerFactory LoggerFactory
    {
        get => _loggerFactory;
        init => _loggerFactory = value ?? throw new ArgumentNullException(nameof(LoggerFactory));
    }

    /// <summary>
    /// Gets the factory of the meter sessions, listeners and connects record on (instruments in
    /// <see cref="Diagnostics.TelnetDiagnostics"/>), for example the one dependency injection provides; null, the
    /// default, records on a process-wide meter of the same name (<see cref="Diagnostics.TelnetDiagnostics.MeterName"/>).
    /// </summary>
    public IMeterFactory? MeterFactory { get; init; }

    /// <summary>An inner argument error's message without the inner parameter's name, which means nothing to the caller.</summary>
    private static string Reason(ArgumentException e)
        => e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
}
