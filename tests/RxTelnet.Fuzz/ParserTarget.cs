namespace RxTelnet.Fuzz;

using System.Buffers;
using System.Reactive.Disposables;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// The fuzz target: arbitrary bytes through the parser (four option profiles, several chunkings derived from the
/// input), the <c>ParseTelnet</c> operator, the encoder and a session, asserting the protocol core's invariants.
/// </summary>
/// <remarks>
/// Deterministic: every random choice comes from a seed hashed from the input, so afl-fuzz sees the same path
/// for the same file and a saved crash replays exactly. A broken invariant throws <see cref="FuzzInvariantException"/>;
/// any other exception is a bug of its own (the parser must never throw on peer input).
/// </remarks>
internal static class ParserTarget
{
    /// <summary>Inputs up to this length are also parsed one byte per chunk (cost grows with the length).</summary>
    private const int BytewiseLimit = 512;

    private const byte Iac = 255;

    private static readonly Profile[] Profiles =
    [
        // RFC 854 NVT cooking: the text encoder (CR -> CR NUL) is the inverse of CR NUL collapsing.
        new("default", TelnetParserOptions.Default, static d => TelnetEncoder.EncodeText(d, TelnetNewline.Nvt)),

        // telnetlib drops NUL and DC1, so cooked data never holds them and IAC doubling alone is the inverse.
        new("telnetlib", TelnetParserOptions.Telnetlib, static d => TelnetEncoder.EscapeData(d)),

        // Binary transparency: only IAC IAC is special.
        new("binary", new TelnetParserOptions { CollapseCrNul = false }, static d => TelnetEncoder.EscapeData(d)),

        // A tiny subnegotiation limit, so that the overflow path is reached by short inputs.
        new("tiny-sb", new TelnetParserOptions { MaxSubnegotiationLength = 7 }, static d => TelnetEncoder.EncodeText(d, TelnetNewline.Nvt)),
    ];

    private static readonly TelnetParserOptions Binary = new() { CollapseCrNul = false };

    /// <summary>A planted failure (inputs starting with "Z") that proves a finding fails the run; off unless asked for.</summary>
    internal static readonly bool Canary = Environment.GetEnvironmentVariable("RXTELNET_FUZZ_CANARY") == "1";

    public static void Check(ReadOnlySpan<byte> data)
    {
        var input = data.ToArray();
        if (Canary && input.Length > 0 && input[0] == (byte)'Z')
        {
            throw new FuzzInvariantException("canary: an input starting with 'Z' (RXTELNET_FUZZ_CANARY=1)");
        }

        var seed = Seed(input);
        Transcript? defaultTranscript = null;
        foreach (var profile in Profiles)
        {
            var t = CheckProfile(profile, input, seed);
            defaultTranscript ??= t;
        }

        CheckEncoder(input, seed);
        CheckSession(input, seed, defaultTranscript!);
    }

    private static Transcript CheckProfile(Profile profile, byte[] input, int seed)
    {
        var options = profile.Options;
        var parser = new TelnetParser(options);

        // Whole input, one call.
        var whole = new Transcript();
        var recorder = new Recorder(whole) { Chunk = input };
        parser.Parse(input, ref recorder);
        var stateAtEnd = parser.State;
        var clean = parser.Complete(ref recorder);
        Require(clean == (stateAtEnd == TelnetParserState.Data), profile, "Complete reports a clean end exactly when the parser is between sequences");
        Require(parser.State == TelnetParserState.Data, profile, "Complete leaves the parser in the data state");
        var truncated = whole.Entries.Count > 0 && whole.Entries[^1] is { Kind: EntryKind.Warning, Warning.Kind: TelnetWarningKind.TruncatedSequence };
        Require(truncated == !clean, profile, "a TruncatedSequence warning comes last exactly when the stream ended inside a sequence");
        for (var i = 0; i < whole.Entries.Count; i++)
        {
            var e = whole.Entries[i];
            Require(e.Kind != EntryKind.Subnegotiation || e.Bytes.Length <= options.MaxSubnegotiationLength, profile, "no subnegotiation payload exceeds MaxSubnegotiationLength");
            Require(e.Warning.Kind != TelnetWarningKind.TruncatedSequence || i == whole.Entries.Count - 1, profile, "TruncatedSequence appears only at the end");
        }

        var expected = whole.ToString();

        // The same parser after Complete: Complete resets every piece of state.
        Same(expected, ParseChunked(parser, input, [input.Length]), profile, "a parser reused after Complete");

        // Random chunkings derived from the input.
        var rng = new Random(seed);
        for (var round = 0; round < 3; round++)
        {
            var sizes = RandomChunking(input.Length, rng, round);
            Same(expected, ParseChunked(new TelnetParser(options), input, sizes), profile, "chunking " + string.Join(',', sizes));
        }

        if (input.Length <= BytewiseLimit)
        {
            Same(expected, ParseChunked(new TelnetParser(options), input, [.. Enumerable.Repeat(1, input.Length)]), profile, "one byte per chunk");
        }

        // The Rx operator over fresh arrays: same events, and the grammar holds (one terminal notification, last).
        var chunks = Split(input, RandomChunking(input.Length, rng, 1));
        var fromOperator = new Transcript();
        var completed = 0;
        using (new SyncObservable<byte[]>(chunks).ParseTelnet(options).Subscribe(
            e =>
            {
                Require(completed == 0, profile, "no event after OnCompleted");
                fromOperator.AddEvent(e);
            },
            ex => throw new FuzzInvariantException($"[{profile.Name}] ParseTelnet failed: {ex}"),
            () => completed++))
        {
        }

        Require(completed == 1, profile, "ParseTelnet completes exactly once, synchronously");
        Same(expected, fromOperator.ToString(), profile, "the ParseTelnet operator");

        // Round trip: what the encoder makes of the transcript parses back to the same transcript, minus warnings.
        var withoutWarnings = whole.WithoutWarnings();
        var wire = withoutWarnings.Encode(profile.EncodeData);
        var again = ParseChunked(new TelnetParser(options), wire, RandomChunking(wire.Length, rng, 2));
        Same(withoutWarnings.ToString(), again, profile, "re-encoded with TelnetEncoder and parsed again");
        return whole;
    }

    private static void CheckEncoder(byte[] input, int seed)
    {
        var iacs = input.AsSpan().Count(Iac);
        var escaped = TelnetEncoder.EscapeData(input);
        Require(escaped.Length == input.Length + iacs && escaped.Length == TelnetEncoder.GetEscapedLength(input), "encoder", "EscapeData doubles exactly the IAC bytes");

        var exact = new byte[escaped.Length];
        Require(TelnetEncoder.EscapeData(input, exact) == exact.Length && exact.AsSpan().SequenceEqual(escaped), "encoder", "EscapeData into an exact-size span");
        if (escaped.Length > 0)
        {
            var threw = false;
            try
            {
                TelnetEncoder.EscapeData(input, new byte[escaped.Length - 1]);
            }
            catch (ArgumentException)
            {
                threw = true;
            }

            Require(threw, "encoder", "EscapeData into a span one byte short throws ArgumentException");
        }

        Require(TelnetEncoder.EncodeText(input, TelnetNewline.None).AsSpan().SequenceEqual(escaped), "encoder", "EncodeText(None) is EscapeData");
        var writer = new ArrayBufferWriter<byte>(1);
        TelnetEncoder.EncodeText(input, TelnetNewline.NvtCrLf, writer);
        Require(writer.WrittenSpan.SequenceEqual(TelnetEncoder.EncodeText(input, TelnetNewline.NvtCrLf)), "encoder", "EncodeText into a buffer writer equals the array form");

        // Each encoding is inverted by the matching cooking.
        SameData(input, Parse(escaped, Binary), "EscapeData parsed with CR NUL kept");
        SameData(input, Parse(TelnetEncoder.EncodeText(input, TelnetNewline.Nvt), TelnetParserOptions.Default), "EncodeText(Nvt) parsed with NVT cooking");
        SameData(BareLfToCrLf(input), Parse(TelnetEncoder.EncodeText(input, TelnetNewline.NvtCrLf), TelnetParserOptions.Default), "EncodeText(NvtCrLf) parsed with NVT cooking");

        // A subnegotiation of the whole input: one SB command when it fits, one warning and nothing else when it does not.
        var option = (TelnetOption)(seed & 0xFF);
        var sb = TelnetEncoder.Subnegotiation(option, input);
        var fits = Parse(sb, new TelnetParserOptions { CollapseCrNul = false, MaxSubnegotiationLength = Math.Max(1, input.Length) });
        Same($"SB {(byte)option} {Convert.ToHexString(input)}\n", fits.ToString(), "encoder", "Subnegotiation parsed back");
        if (input.Length > 1)
        {
            var over = Parse(sb, new TelnetParserOptions { MaxSubnegotiationLength = input.Length - 1 });
            Same($"WARN SubnegotiationTooLong {(byte)option} -1\n", over.ToString(), "encoder", "Subnegotiation one byte over the limit");
        }

        // Negotiations and two-byte commands built from the first bytes.
        if (input.Length >= 2)
        {
            var verb = (TelnetVerb)(251 + (input[0] & 3));
            Same($"NEG {(byte)verb} {input[1]}\n", Parse(TelnetEncoder.Negotiation(verb, (TelnetOption)input[1]), TelnetParserOptions.Default).ToString(), "encoder", "Negotiation parsed back");
            var command = (TelnetVerb)input[1];
            if (command is not (TelnetVerb.Iac or TelnetVerb.Sb or TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont))
            {
                Same($"CMD {input[1]}\n", Parse(TelnetEncoder.Command(command), TelnetParserOptions.Default).ToString(), "encoder", "Command parsed back");
            }
        }
    }

    /// <summary>
    /// A session over a scripted transport: the cooked queue holds exactly the cooked data, the hot streams see
    /// every event, the default refusals answer only DO and WILL, and a small buffer limit closes the session with
    /// a readable prefix and the right reason.
    /// </summary>
    private static void CheckSession(byte[] input, int seed, Transcript expected)
    {
        var rng = new Random(seed ^ 0x5EED);
        var cooked = expected.Data;
        var chunks = Split(input, RandomChunking(input.Length, rng, 0));

        var transport = new ObservableTransport(new SyncObservable<byte[]>(chunks));
        using var session = new TelnetSession(transport, new TelnetSessionOptions { MaxBufferedBytes = Math.Max(1, input.Length) });
        var events = new Transcript();
        var hotData = new List<byte>();
        using var subscriptions = new CompositeDisposable(
            session.Events.Subscribe(events.AddEvent),
            session.Data.Subscribe(d => hotData.AddRange(d.ToArray())));
        session.Start();

        Require(session.CurrentState.Reason == TelnetCloseReason.RemoteClose, "session", $"a scripted stream that ends closes the session as RemoteClose (was {session.CurrentState.Reason})");
        Same(expected.ToString(), events.ToString(), "session", "Events carries the parser's transcript");
        SameData(cooked, hotData.ToArray(), "the hot Data stream");
        SameData(cooked, ReadAllNow(session), "ReadAll after the peer closed");

        var replies = new List<byte>();
        foreach (var e in expected.Entries)
        {
            if (e is { Kind: EntryKind.Negotiation, Verb: (byte)TelnetVerb.Do or (byte)TelnetVerb.Will })
            {
                replies.AddRange(TelnetEncoder.Negotiation(e.Verb == (byte)TelnetVerb.Do ? TelnetVerb.Wont : TelnetVerb.Dont, (TelnetOption)e.Option));
            }
        }

        SameData(replies.ToArray(), transport.SentBytes, "the default refusals (DO -> WONT, WILL -> DONT, nothing else)");

        // The lent path: no hot-stream subscribers, so an in-memory transport lends each chunk (and clears it after);
        // the queue must hold the same cooked bytes, copied into its pooled blocks.
        var (peer, lending) = InMemoryTransport.CreatePair(System.Reactive.Concurrency.ImmediateScheduler.Instance);
        using (var lent = new TelnetSession(lending, new TelnetSessionOptions { MaxBufferedBytes = Math.Max(1, input.Length) }).Start())
        {
            foreach (var chunk in Split(input, RandomChunking(input.Length, rng, 1)))
            {
                peer.SendAsync(chunk).AsTask().GetAwaiter().GetResult();
            }

            peer.Close();
            SameData(cooked, ReadAllNow(lent), "ReadAll of a session fed lent chunks");
        }

        // A small cooked-queue limit.
        var limit = 1 + (seed & 31);
        var limitedTransport = new ObservableTransport(new SyncObservable<byte[]>(Split(input, RandomChunking(input.Length, rng, 2))));
        using var limited = new TelnetSession(limitedTransport, new TelnetSessionOptions { MaxBufferedBytes = limit }).Start();
        var state = limited.CurrentState;
        if (cooked.Length <= limit)
        {
            Require(state.Reason == TelnetCloseReason.RemoteClose, "session", "under the limit the session ends as RemoteClose");
            SameData(cooked, ReadAllNow(limited), $"ReadAll under a {limit}-byte limit");
        }
        else
        {
            Require(state.Reason == TelnetCloseReason.BufferLimitExceeded && state.Error is TelnetBufferLimitExceededException, "session", $"over a {limit}-byte limit the session closes as BufferLimitExceeded (was {state.Reason})");

            // What fitted stays readable; then the limit is reported as an error, never as an end of stream.
            var read = ReadBufferedNow(limited);
            Require(read.Length <= limit && cooked.AsSpan().StartsWith(read), "session", $"what stays readable after the {limit}-byte limit is a prefix of the cooked data within the limit");
            Exception? error = null;
            using (limited.ReadAll().Subscribe(_ => { }, e => error = e))
            {
            }

            Require(error is TelnetBufferLimitExceededException, "session", $"ReadAll after the {limit}-byte limit fails with the limit (was {error?.GetType().Name ?? "a result"})");
        }
    }

    private static byte[] ReadBufferedNow(TelnetSession session)
    {
        try
        {
            return session.ReadBuffered();
        }
        catch (TelnetBufferLimitExceededException)
        {
            // Nothing fitted: the limit is reported instead of an end of stream.
            return [];
        }
    }

    private static byte[] ReadAllNow(TelnetSession session)
    {
        byte[]? result = null;
        Exception? error = null;
        using (session.ReadAll().Subscribe(v => result = v, e => error = e))
        {
        }

        if (error is not null)
        {
            throw new FuzzInvariantException("ReadAll on a closed session failed: " + error);
        }

        return result ?? throw new FuzzInvariantException("ReadAll on a closed session did not answer synchronously.");
    }

    /// <summary>The transcript of one whole parse of <paramref name="wire"/>: the reference both targets compare with.</summary>
    internal static Transcript Parse(byte[] wire, TelnetParserOptions options)
    {
        var t = new Transcript();
        var r = new Recorder(t) { Chunk = wire };
        var parser = new TelnetParser(options);
        parser.Parse(wire, ref r);
        parser.Complete(ref r);
        return t;
    }

    private static string ParseChunked(TelnetParser parser, byte[] input, int[] sizes)
    {
        var t = new Transcript();
        var r = new Recorder(t);
        var offset = 0;
        foreach (var size in sizes)
        {
            r.Chunk = input.AsMemory(offset, size);
            parser.Parse(r.Chunk.Span, ref r);
            offset += size;
        }

        parser.Complete(ref r);
        return t.ToString();
    }

    /// <summary>Chunk sizes that add up to <paramref name="length"/>: tiny, mixed and a single split, by round.</summary>
    private static int[] RandomChunking(int length, Random rng, int round)
    {
        var sizes = new List<int>();
        var left = length;
        if (round == 2 && length > 1)
        {
            var at = rng.Next(1, length);
            return [at, length - at];
        }

        while (left > 0)
        {
            var max = round == 0 ? 4 : rng.Next(4) == 0 ? 256 : 16;
            var n = Math.Min(left, rng.Next(1, max + 1));
            sizes.Add(n);
            left -= n;
        }

        return [.. sizes];
    }

    private static byte[][] Split(byte[] input, int[] sizes)
    {
        var chunks = new byte[sizes.Length][];
        var offset = 0;
        for (var i = 0; i < sizes.Length; i++)
        {
            chunks[i] = input.AsSpan(offset, sizes[i]).ToArray();
            offset += sizes[i];
        }

        return chunks;
    }

    private static byte[] BareLfToCrLf(byte[] input)
    {
        var result = new List<byte>(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] == (byte)'\n' && (i == 0 || input[i - 1] != (byte)'\r'))
            {
                result.Add((byte)'\r');
            }

            result.Add(input[i]);
        }

        return [.. result];
    }

    private static int Seed(byte[] input)
    {
        // FNV-1a: stable across runs and processes, unlike string.GetHashCode.
        var h = 2166136261u;
        foreach (var b in input)
        {
            h = (h ^ b) * 16777619u;
        }

        return (int)(h & 0x7FFFFFFF);
    }

    private static void Require(bool condition, Profile profile, string what) => Require(condition, profile.Name, what);

    private static void Require(bool condition, string where, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException($"[{where}] invariant broken: {what}");
        }
    }

    private static void Same(string expected, string actual, Profile profile, string how) => Same(expected, actual, profile.Name, how);

    private static void Same(string expected, string actual, string where, string how)
    {
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            throw new FuzzInvariantException($"[{where}] {how} gave a different transcript.\n--- expected\n{expected}--- actual\n{actual}");
        }
    }

    private static void SameData(byte[] expected, Transcript actual, string how)
    {
        foreach (var e in actual.Entries)
        {
            if (e.Kind != EntryKind.Data)
            {
                throw new FuzzInvariantException($"[encoder] {how}: unexpected {e}");
            }
        }

        SameData(expected, actual.Data, how);
    }

    private static void SameData(byte[] expected, byte[] actual, string how)
    {
        if (!expected.AsSpan().SequenceEqual(actual))
        {
            throw new FuzzInvariantException($"{how}: expected {Convert.ToHexString(expected)}, got {Convert.ToHexString(actual)}");
        }
    }

    private sealed record Profile(string Name, TelnetParserOptions Options, Func<byte[], byte[]> EncodeData);
}

/// <summary>Emits its items synchronously on subscribe, then completes: a transport whose bytes are all there.</summary>
internal sealed class SyncObservable<T>(IReadOnlyList<T> items) : IObservable<T>
{
    public IDisposable Subscribe(IObserver<T> observer)
    {
        foreach (var item in items)
        {
            observer.OnNext(item);
        }

        observer.OnCompleted();
        return Disposable.Empty;
    }
}
