namespace RxTelnet.Tests.Compat.Differential;

using System.Text.Json;

/// <summary>What telnetlib_reference.py prints: the Python that ran it and every scenario with telnetlib's results.</summary>
internal sealed record ReferenceRun(string Python, string Telnetlib, IReadOnlyList<Scenario> Scenarios)
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    public static ReferenceRun Parse(string json) =>
        JsonSerializer.Deserialize<ReferenceRun>(json, Json) ?? throw new InvalidDataException("telnetlib_reference.py printed null");
}

/// <summary>A scripted peer and the client calls run against it (see telnetlib_reference.py for the time model).</summary>
/// <param name="Id">Unique and stable: the family, then the seed or the systematic case's parts.</param>
/// <param name="Family">The group it belongs to; one test per family.</param>
/// <param name="Chunks">What the peer sends, each chunk at its tick.</param>
/// <param name="Eof">The tick at which the peer closes; null when it never does.</param>
/// <param name="Callback">The negotiation callback set before the first call: none, record, record_sb or reply.</param>
/// <param name="Debug">Whether debug output (debug level 1) is on and compared.</param>
/// <param name="Calls">The client calls, in order.</param>
/// <param name="Tags">What the stream holds (sb-malformed, se-outside-sb, negotiation, close, rawq, ...).</param>
/// <param name="Seed">The seed of a generated scenario.</param>
/// <param name="Attempt">The draw of that seed that was kept (earlier draws tied or would block for ever).</param>
/// <param name="Expected">telnetlib's results.</param>
internal sealed record Scenario(
    string Id,
    string Family,
    IReadOnlyList<Chunk> Chunks,
    long? Eof,
    string Callback,
    bool Debug,
    IReadOnlyList<Call> Calls,
    IReadOnlyList<string> Tags,
    int? Seed,
    int? Attempt,
    Outcome Expected)
{
    public bool NeedsRawq => Tags.Contains("rawq") || Calls.Any(static c => c.Op is "fill_rawq" or "process_rawq" or "sock_avail");

    /// <summary>The last tick at which anything arrives (a chunk or the close).</summary>
    public long LastArrival => Math.Max(Eof ?? 0, Chunks.Count == 0 ? 0 : Chunks.Max(static c => c.At));

    /// <summary>The scenario's script in one line, for a mismatch report.</summary>
    public string Describe()
    {
        var chunks = string.Join(", ", Chunks.Select(static c => $"@{c.At} {Repr.Bytes(c.Bytes)}"));
        var calls = string.Join("; ", Calls.Select(static (c, i) => $"[{i}] {c}"));
        return $"peer: {chunks}{(Chunks.Count > 0 ? ", " : string.Empty)}close {(Eof is { } e ? "@" + e : "never")}; callback {Callback}\n      calls: {calls}";
    }
}

internal sealed record Chunk(long At, string Data)
{
    public byte[] Bytes => Convert.FromHexString(Data);
}

/// <summary>One client call. Only the fields of its <see cref="Op"/> are set.</summary>
internal sealed record Call(
    string Op,
    string? Match = null,
    long? Timeout = null,
    IReadOnlyList<string>? Patterns = null,
    string? Data = null,
    long? Ticks = null,
    string? Mode = null,
    string? Text = null)
{
    public override string ToString() => Op switch
    {
        "read_until" => $"read_until({Repr.Bytes(Convert.FromHexString(Match!))}, {Repr.Timeout(Timeout)})",
        "expect" => $"expect([{string.Join(", ", Patterns!.Select(static p => Repr.Bytes(Convert.FromHexString(p))))}], {Repr.Timeout(Timeout)})",
        "write" => $"write({Repr.Bytes(Convert.FromHexString(Data!))})",
        "sleep" => $"sleep({Ticks})",
        "set_callback" => $"set_callback({Mode})",
        "msg" => $"msg({Text})",
        _ => Op + "()",
    };
}

/// <summary>Everything recorded for a scenario: one record per call, and the eof flag after the last call.</summary>
internal sealed record Outcome(IReadOnlyList<CallRecord> Calls, bool Eof);

/// <summary>What one call did.</summary>
/// <param name="Result">Its return value or exception.</param>
/// <param name="Time">The virtual tick at which it returned.</param>
/// <param name="Sent">The bytes sent while it ran, as hex.</param>
/// <param name="Callbacks">The negotiation callbacks that ran while it ran.</param>
/// <param name="Debug">The debug lines printed while it ran (debug family only).</param>
internal sealed record CallRecord(CallResult Result, long Time, string Sent, IReadOnlyList<CallbackRecord> Callbacks, IReadOnlyList<string> Debug);

/// <summary>A call's result: bytes, an expect triple, an exception type, a bool, or nothing (all null).</summary>
/// <param name="Bytes">Returned bytes, as hex.</param>
/// <param name="Expect">expect's (index, match, text).</param>
/// <param name="Error">The exception's type: Python's name (EOFError) or, on the C# side, the .NET type's name.</param>
/// <param name="Bool">sock_avail's answer.</param>
/// <param name="Pending">C# side only: the call had not returned when nothing was left to happen.</param>
internal sealed record CallResult(string? Bytes = null, ExpectOutcome? Expect = null, string? Error = null, bool? Bool = null, bool Pending = false)
{
    /// <summary>Gets the form compared: exception types mapped to telnetlib's (EOFError; closed for a call on a closed socket).</summary>
    public string Canonical =>
        Pending ? "<still pending>"
        : Error is { } e ? "raise " + ErrorKind(e)
        : Bytes is { } b ? Repr.Bytes(Convert.FromHexString(b))
        : Expect is { } x ? $"({x.Index}, {(x.Match is null ? "None" : Repr.Bytes(Convert.FromHexString(x.Match)))}, {Repr.Bytes(Convert.FromHexString(x.Text))})"
        : Bool is { } v ? (v ? "True" : "False")
        : "None";

    /// <summary>Gets the form shown: the canonical one, with the exception's own type when it was mapped.</summary>
    public string Shown => Error is { } e && ErrorKind(e) != e ? $"{Canonical} ({e})" : Canonical;

    public bool IsEofError => Error is { } e && ErrorKind(e) == "EOFError";

    /// <summary>
    /// telnetlib's EOFError is the facade's <see cref="TelnetEofException"/>; the AttributeError or OSError that
    /// telnetlib raises when its socket is gone, and the ValueError its selector raises when asked to register an
    /// instance whose socket is gone (read_until and expect after close), are the facade's <see cref="TelnetClosedException"/>:
    /// the one deviation the facade keeps on purpose, a typed exception where Python fails on a missing attribute.
    /// </summary>
    private static string ErrorKind(string error) => error switch
    {
        "EOFError" or nameof(TelnetEofException) => "EOFError",
        "AttributeError" or "OSError" or "ValueError" or nameof(TelnetClosedException) or nameof(ObjectDisposedException) => "closed",
        _ => error,
    };
}

internal sealed record ExpectOutcome(int Index, string? Match, string Text);

/// <summary>One negotiation callback: (command, option), and for SE in record_sb mode what read_sb_data returned.</summary>
internal sealed record CallbackRecord(int Call, int Command, int Option, string? Sb)
{
    public override string ToString() =>
        $"({Repr.Command(Command)}, {Option}{(Sb is null ? string.Empty : ", sb=" + Repr.Bytes(Convert.FromHexString(Sb)))})";
}
