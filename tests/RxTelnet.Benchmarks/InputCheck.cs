namespace RxTelnet.Benchmarks;

using RxTelnet.Protocol;

/// <summary>Checks that the parser and the <c>ParseTelnet</c> operator cook a <see cref="TelnetInput"/> exactly as expected.</summary>
public static class InputCheck
{
    /// <summary>Parses the whole input both ways and compares cooked bytes and command counts with the expected ones.</summary>
    /// <param name="input">The input.</param>
    /// <exception cref="InvalidOperationException">The output differs from what was expected.</exception>
    public static void Verify(TelnetInput input)
    {
        ArgumentNullException.ThrowIfNull(input);

        var parser = new TelnetParser();
        var handler = new RecordingHandler(new byte[input.TotalBytes]);
        foreach (var chunk in input.Chunks)
        {
            parser.Parse(chunk, ref handler);
        }

        if (!parser.Complete(ref handler))
        {
            throw new InvalidOperationException("The parser: the stream ended inside a sequence.");
        }

        Compare("The parser", input, handler.Counts, handler.Cooked.AsSpan(0, handler.Length));

        // The copy-out path: each chunk's cooked bytes written into the whole-stream buffer where the last chunk's ended.
        parser = new TelnetParser();
        var copyOut = new RecordingHandler([]);
        var cooked = new byte[input.TotalBytes];
        var length = 0;
        foreach (var chunk in input.Chunks)
        {
            parser.ParseInto(chunk, cooked.AsSpan(length), ref copyOut, out var written);
            length += written;
        }

        if (!parser.Complete(ref copyOut) || copyOut.Length != 0)
        {
            throw new InvalidOperationException("ParseInto: the stream ended inside a sequence, or data was reported to the handler.");
        }

        Compare("ParseInto", input, copyOut.Counts, cooked.AsSpan(0, length));

        var observer = new RecordingObserver(new byte[input.TotalBytes]);
        using (new ChunkSource(input.Chunks).ParseTelnet().Subscribe(observer))
        {
        }

        if (!observer.Completed)
        {
            throw new InvalidOperationException("ParseTelnet: the stream did not complete.");
        }

        Compare("ParseTelnet", input, observer.Counts, observer.Cooked.AsSpan(0, observer.Length));
    }

    private static void Compare(string who, TelnetInput input, Counts counts, ReadOnlySpan<byte> cooked)
    {
        if (!cooked.SequenceEqual(input.ExpectedCooked))
        {
            var at = cooked.CommonPrefixLength(input.ExpectedCooked);
            throw new InvalidOperationException(
                $"{who}: cooked output differs from the expected stream at byte {at} ({cooked.Length} bytes delivered, {input.ExpectedCooked.Length} expected).");
        }

        var expected = new Counts(input.Negotiations, input.Subnegotiations, input.SubnegotiationPayloadBytes, 0, 0);
        if (counts != expected)
        {
            throw new InvalidOperationException($"{who}: commands differ: got {counts}, expected {expected}.");
        }
    }

    private readonly record struct Counts(long Negotiations, long Subnegotiations, long PayloadBytes, long OtherCommands, long Warnings);

    private static bool IsNegotiation(TelnetVerb verb) => verb is TelnetVerb.Will or TelnetVerb.Wont or TelnetVerb.Do or TelnetVerb.Dont;

    private static bool IsExpectedSubnegotiation(TelnetOption option, int payloadLength) =>
        (byte)option is 31 or 201 && payloadLength is >= 2 and <= 14;

    private struct RecordingHandler(byte[] cooked) : ITelnetParserHandler
    {
        public readonly byte[] Cooked = cooked;
        public int Length;
        public Counts Counts;

        public void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
            data.CopyTo(Cooked.AsSpan(Length));
            Length += data.Length;
        }

        public void OnCommand(TelnetVerb verb) => Counts = Counts with { OtherCommands = Counts.OtherCommands + 1 };

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => Counts = IsNegotiation(verb)
            ? Counts with { Negotiations = Counts.Negotiations + 1 }
            : Counts with { OtherCommands = Counts.OtherCommands + 1 };

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Counts = IsExpectedSubnegotiation(option, payload.Length)
            ? Counts with { Subnegotiations = Counts.Subnegotiations + 1, PayloadBytes = Counts.PayloadBytes + payload.Length }
            : Counts with { OtherCommands = Counts.OtherCommands + 1 };

        public void OnWarning(TelnetWarning warning) => Counts = Counts with { Warnings = Counts.Warnings + 1 };
    }

    private sealed class RecordingObserver(byte[] cooked) : IObserver<TelnetEvent>
    {
        public byte[] Cooked { get; } = cooked;

        public int Length { get; private set; }

        public Counts Counts { get; private set; }

        public bool Completed { get; private set; }

        public void OnNext(TelnetEvent value)
        {
            switch (value.Kind)
            {
                case TelnetEventKind.Data:
                    value.Data.Span.CopyTo(Cooked.AsSpan(Length));
                    Length += value.Data.Length;
                    break;
                case TelnetEventKind.Command when value.Command.IsNegotiation:
                    Counts = Counts with { Negotiations = Counts.Negotiations + 1 };
                    break;
                case TelnetEventKind.Command when value.Command.IsSubnegotiation
                    && value.Command.Option is { } option && IsExpectedSubnegotiation(option, value.Command.Payload.Length):
                    Counts = Counts with { Subnegotiations = Counts.Subnegotiations + 1, PayloadBytes = Counts.PayloadBytes + value.Command.Payload.Length };
                    break;
                case TelnetEventKind.Command:
                    Counts = Counts with { OtherCommands = Counts.OtherCommands + 1 };
                    break;
                default:
                    Counts = Counts with { Warnings = Counts.Warnings + 1 };
                    break;
            }
        }

        public void OnError(Exception error) => throw new InvalidOperationException("ParseTelnet failed.", error);

        public void OnCompleted() => Completed = true;
    }
}
