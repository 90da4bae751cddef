namespace RxTelnet.Session;

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;

/// <summary>MSDP (option 69), and MSDP over GMCP where a peer offers that instead.</summary>
public sealed partial class TelnetSession
{
    /// <summary>
    /// Gets the MSDP variables the peer sends (hot), one per variable, in order: from <c>SB MSDP</c> and from GMCP
    /// messages of package <c>MSDP</c> (MSDP over GMCP). A server sees the client's commands here (a variable named
    /// <c>REPORT</c>, <c>LIST</c>, ...); a client sees the values it asked for. Malformed payloads are dropped, and so
    /// are subnegotiations of an option agreed on neither side.
    /// </summary>
    public IObservable<MsdpVariable> MsdpVariables => Commands
        .Where(c => c.IsSubnegotiation && c.Option is TelnetOption.Msdp or TelnetOption.Gmcp && IsSubnegotiationAgreed(c.Option.Value))
        .SelectMany(static c => c.Option == TelnetOption.Msdp
            ? Msdp.TryParse(c.Payload.Span, out var variables) ? variables : []
            : Gmcp.TryParse(c.Payload.Span, out var package, out var json) && package == Msdp.GmcpPackage && Msdp.TryParseJson(json, out var carried)
                ? carried
                : []);

    /// <summary>
    /// Sends MSDP variables: as <c>SB MSDP</c> when MSDP is agreed or being negotiated (held until it is, see
    /// <see cref="SendSubnegotiationAsync"/>), else as MSDP over GMCP when only GMCP is agreed.
    /// </summary>
    /// <param name="variables">The variables, in order.</param>
    /// <param name="cancellationToken">Abandons a send still held for the agreement.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">A name is empty or a string holds NUL or a byte 1 to 6.</exception>
    /// <exception cref="TelnetOptionNotAgreedException">Neither MSDP nor GMCP is agreed or, for MSDP, being negotiated (on the task).</exception>
    public Task SendMsdpAsync(IEnumerable<MsdpVariable> variables, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(variables);
        MsdpVariable[] list = [.. variables];
        return SendMsdpAsync(list, Msdp.Encode(list), cancellationToken);
    }

    /// <summary>Sends checked variables and their encoding, as <c>SB MSDP</c> or as MSDP over GMCP.</summary>
    private Task SendMsdpAsync(MsdpVariable[] list, byte[] payload, CancellationToken cancellationToken) =>
        UseGmcpForMsdp()
            ? SendGmcpAsync(Msdp.GmcpPackage, Msdp.ToJson(list), cancellationToken)
            : SendSubnegotiationAsync(TelnetOption.Msdp, payload, cancellationToken);

    /// <summary>Sends one MSDP variable; see <see cref="SendMsdpAsync(IEnumerable{MsdpVariable}, CancellationToken)"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <param name="cancellationToken">Abandons a send still held for the agreement.</param>
    /// <returns>A task that completes when the bytes were handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="value"/> is null, or a value inside a table is.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="name"/> is empty, or a name or string holds NUL or a byte 1 to 6 or is not valid UTF-16 (named after
    /// the argument that holds it).
    /// </exception>
    /// <exception cref="TelnetOptionNotAgreedException">Neither MSDP nor GMCP is agreed or, for MSDP, being negotiated (on the task).</exception>
    public Task SendMsdpAsync(string name, MsdpValue value, CancellationToken cancellationToken = default)
    {
        var payload = Msdp.Encode(name, value);
        return SendMsdpAsync([new MsdpVariable(name, value)], payload, cancellationToken);
    }

    /// <summary>
    /// Asks for an MSDP list (<c>LIST</c>: <c>COMMANDS</c>, <c>LISTS</c>, <c>REPORTABLE_VARIABLES</c>, ...) and waits
    /// for the peer's variable of that name.
    /// </summary>
    /// <param name="list">The list's name.</param>
    /// <param name="timeout">How long to wait for the answer; <see cref="TelnetSessionOptions.NegotiationTimeout"/> when null.</param>
    /// <param name="cancellationToken">Abandons the wait.</param>
    /// <returns>The list's value (an array of names, usually).</returns>
    /// <exception cref="ArgumentException"><paramref name="list"/> is null, empty, or holds NUL or a byte 1 to 6.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative.</exception>
    /// <exception cref="TimeoutException">No answer came within the timeout (on the task); the message names the list.</exception>
    /// <exception cref="TelnetOptionNotAgreedException">Neither MSDP nor GMCP is agreed (on the task).</exception>
    /// <exception cref="TelnetClosedException">The session closed before the answer (on the task).</exception>
    public Task<MsdpValue> MsdpListAsync(string list, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(list);
        var payload = Msdp.EncodeCommand("LIST", [list], nameof(list));
        var limit = timeout ?? _options.NegotiationTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, TimeSpan.Zero, nameof(timeout));
        return AskAsync(list, payload, limit, cancellationToken);
    }

    /// <summary>Asks the server to send these variables whenever they change (<c>REPORT</c>); updates arrive on <see cref="MsdpVariables"/>.</summary>
    /// <param name="names">The variables, for example <c>HEALTH</c>.</param>
    /// <returns>A task that completes when the request was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty, or one holds NUL or a byte 1 to 6 or is not valid UTF-16.</exception>
    public Task MsdpReportAsync(params string[] names) => SendMsdpCommandAsync("REPORT", names, nameof(names));

    /// <summary>Asks the server to stop reporting these variables (<c>UNREPORT</c>).</summary>
    /// <param name="names">The variables.</param>
    /// <returns>A task that completes when the request was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty, or one holds NUL or a byte 1 to 6 or is not valid UTF-16.</exception>
    public Task MsdpUnreportAsync(params string[] names) => SendMsdpCommandAsync("UNREPORT", names, nameof(names));

    /// <summary>Asks the server to send these variables once (<c>SEND</c>); they arrive on <see cref="MsdpVariables"/>.</summary>
    /// <param name="names">The variables.</param>
    /// <returns>A task that completes when the request was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty, or one holds NUL or a byte 1 to 6 or is not valid UTF-16.</exception>
    public Task MsdpSendAsync(params string[] names) => SendMsdpCommandAsync("SEND", names, nameof(names));

    /// <summary>Asks the server to reset a list (<c>RESET</c>), for example <c>REPORTED_VARIABLES</c>.</summary>
    /// <param name="lists">The lists.</param>
    /// <returns>A task that completes when the request was handed to the transport.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="lists"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="lists"/> is empty, or one holds NUL or a byte 1 to 6 or is not valid UTF-16.</exception>
    public Task MsdpResetAsync(params string[] lists) => SendMsdpCommandAsync("RESET", lists, nameof(lists));

    private Task SendMsdpCommandAsync(string command, string[] names, string parameter)
    {
        var payload = Msdp.EncodeCommand(command, names, parameter);
        return UseGmcpForMsdp()
            ? SendGmcpAsync(Msdp.GmcpPackage, Msdp.ToJson([new MsdpVariable(command, names.Length == 1 ? names[0] : MsdpValue.ArrayOf(names))]))
            : SendSubnegotiationAsync(TelnetOption.Msdp, payload);
    }

    private Task<MsdpValue> AskAsync(string name, byte[] payload, TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Listen before asking: the answer may come back before the send's task completes. The task completes where
        // the answer is received (in virtual time, at its exact tick); the timeout runs on the session's scheduler
        // and, once the answer or the timeout came, nothing is left subscribed.
        var answer = MsdpVariables
            .Where(v => v.Name == name)
            .Select(static v => v.Value)
            .FirstOrDefaultAsync()
            .Select(v => v ?? throw new TelnetClosedException($"The session closed before the MSDP list \"{name}\" arrived."))
            .Timeout(timeout, Observable.Throw<MsdpValue>(new TimeoutException($"No MSDP list \"{name}\" came within {timeout.TotalSeconds:0.###} s.")), _options.Scheduler)
            .Replay(1);
        var connection = answer.Connect();
        var sent = UseGmcpForMsdp()
            ? SendGmcpAsync(Msdp.GmcpPackage, Msdp.ToJson([new MsdpVariable("LIST", name)]), cancellationToken)
            : SendSubnegotiationAsync(TelnetOption.Msdp, payload, cancellationToken);

        // A send that fails (not agreed, closed, cancelled) fails the ask at once.
        var sendFailure = sent.ToObservable().IgnoreElements().Select(static _ => (MsdpValue)null!);
        var result = answer.Merge(sendFailure).FirstAsync().ToTask(cancellationToken);
        _ = result.ContinueWith(_ => connection.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return result;
    }

    private OptionState StateOf(TelnetOption option)
    {
        NegotiationState();
        lock (_negotiationGate)
        {
            return _negotiator!.GetState(option);
        }
    }

    private bool UseGmcpForMsdp()
    {
        var msdp = StateOf(TelnetOption.Msdp);
        var agreedOrPending = msdp.IsLocalEnabled || msdp.IsRemoteEnabled || IsBeingEnabled(msdp);
        return !agreedOrPending && (IsLocalEnabled(TelnetOption.Gmcp) || IsRemoteEnabled(TelnetOption.Gmcp));
    }
}
