namespace RxTelnet.Fuzz;

using System.Text;
using RxTelnet.Protocol;

/// <summary>What the parser reported for one stream, with adjacent data runs merged so that chunking cannot show.</summary>
internal sealed class Transcript
{
    private readonly List<Entry> _entries = [];
    private readonly List<byte> _pendingData = [];

    public IReadOnlyList<Entry> Entries
    {
        get
        {
            FlushData();
            return _entries;
        }
    }

    /// <summary>Gets all cooked data, concatenated.</summary>
    public byte[] Data => [.. Entries.Where(static e => e.Kind == EntryKind.Data).SelectMany(static e => e.Bytes)];

    public void AddData(ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            _pendingData.Add(b);
        }
    }

    public void Add(Entry entry)
    {
        FlushData();
        _entries.Add(entry);
    }

    public void AddEvent(TelnetEvent e)
    {
        switch (e.Kind)
        {
            case TelnetEventKind.Data:
                AddData(e.Data.Span);
                break;
            case TelnetEventKind.Command:
                Add(Entry.FromCommand(e.Command));
                break;
            default:
                Add(Entry.FromWarning(e.Warning));
                break;
        }
    }

    /// <summary>Encodes everything but the warnings back to wire bytes: the inverse of the parse for a clean stream.</summary>
    public byte[] Encode(Func<byte[], byte[]> encodeData)
    {
        var wire = new List<byte>();
        foreach (var e in Entries)
        {
            switch (e.Kind)
            {
                case EntryKind.Data:
                    wire.AddRange(encodeData(e.Bytes));
                    break;
                case EntryKind.Command:
                    wire.AddRange(TelnetEncoder.Command((TelnetVerb)e.Verb));
                    break;
                case EntryKind.Negotiation:
                    wire.AddRange(TelnetEncoder.Negotiation((TelnetVerb)e.Verb, (TelnetOption)e.Option));
                    break;
                case EntryKind.Subnegotiation:
                    wire.AddRange(TelnetEncoder.Subnegotiation((TelnetOption)e.Option, e.Bytes));
                    break;
            }
        }

        return [.. wire];
    }

    public Transcript WithoutWarnings()
    {
        var t = new Transcript();
        foreach (var e in Entries)
        {
            if (e.Kind == EntryKind.Data)
            {
                t.AddData(e.Bytes);
            }
            else if (e.Kind != EntryKind.Warning)
            {
                t.Add(e);
            }
        }

        return t;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var e in Entries)
        {
            sb.Append(e).Append('\n');
        }

        return sb.ToString();
    }

    private void FlushData()
    {
        if (_pendingData.Count > 0)
        {
            _entries.Add(new Entry(EntryKind.Data, 0, 0, [.. _pendingData], default));
            _pendingData.Clear();
        }
    }
}

internal enum EntryKind
{
    Data,
    Command,
    Negotiation,
    Subnegotiation,
    Warning,
}

internal readonly record struct Entry(EntryKind Kind, byte Verb, byte Option, byte[] Bytes, TelnetWarning Warning)
{
    public static Entry FromCommand(TelnetCommand c) =>
        c.IsSubnegotiation ? new Entry(EntryKind.Subnegotiation, (byte)c.Verb, (byte)c.Option!.Value, c.Payload.ToArray(), default)
        : c.IsNegotiation ? new Entry(EntryKind.Negotiation, (byte)c.Verb, (byte)c.Option!.Value, [], default)
        : new Entry(EntryKind.Command, (byte)c.Verb, 0, [], default);

    public static Entry FromWarning(TelnetWarning w) => new(EntryKind.Warning, 0, 0, [], w);

    public override string ToString() => Kind switch
    {
        EntryKind.Data => "DATA " + Convert.ToHexString(Bytes),
        EntryKind.Command => $"CMD {Verb}",
        EntryKind.Negotiation => $"NEG {Verb} {Option}",
        EntryKind.Subnegotiation => $"SB {Option} " + Convert.ToHexString(Bytes),
        _ => $"WARN {Warning.Kind} {(Warning.Option is { } o ? (byte)o : -1)} {(Warning.Verb is { } v ? (byte)v : -1)}",
    };
}

/// <summary>
/// Records parser callbacks into a <see cref="Transcript"/>, checking that every reported offset points at the
/// reported bytes in the chunk being parsed (the zero-copy operator slices the chunk at those offsets).
/// </summary>
internal struct Recorder(Transcript transcript) : ITelnetParserHandler
{
    /// <summary>The span being parsed, as memory, so offsets can be checked.</summary>
    public ReadOnlyMemory<byte> Chunk;

    public readonly Transcript Transcript => transcript;

    public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset)
    {
        CheckOffset(data, inputOffset, "data");
        transcript.AddData(data);
    }

    public readonly void OnCommand(TelnetVerb verb) => transcript.Add(new Entry(EntryKind.Command, (byte)verb, 0, [], default));

    public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) =>
        transcript.Add(new Entry(EntryKind.Negotiation, (byte)verb, (byte)option, [], default));

    public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
    {
        if (inputOffset >= 0)
        {
            CheckOffset(payload, inputOffset, "subnegotiation payload");
        }

        transcript.Add(new Entry(EntryKind.Subnegotiation, (byte)TelnetVerb.Sb, (byte)option, payload.ToArray(), default));
    }

    public readonly void OnWarning(TelnetWarning warning) => transcript.Add(Entry.FromWarning(warning));

    private readonly void CheckOffset(ReadOnlySpan<byte> reported, int offset, string what)
    {
        var chunk = Chunk.Span;
        if (offset < 0 || offset + reported.Length > chunk.Length || !chunk.Slice(offset, reported.Length).SequenceEqual(reported))
        {
            throw new FuzzInvariantException($"The {what} reported at offset {offset} ({reported.Length} bytes) is not that slice of the chunk ({chunk.Length} bytes).");
        }
    }
}

/// <summary>A broken invariant: under afl-fuzz any exception is a crash; the plain driver saves the input.</summary>
internal sealed class FuzzInvariantException(string message) : Exception(message);
