namespace RxTelnet.Protocol;

/// <summary>The <see cref="TelnetObservable.ParseTelnet"/> operator: one <see cref="TelnetParser"/> per subscription.</summary>
internal sealed class ParseTelnetOperator(IObservable<byte[]> source, TelnetParserOptions options) : IObservable<TelnetEvent>
{
    public IDisposable Subscribe(IObserver<TelnetEvent> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        var sink = new Sink(observer, options);
        return source.Subscribe(sink);
    }

    private sealed class Sink(IObserver<TelnetEvent> observer, TelnetParserOptions options) : IObserver<byte[]>
    {
        private readonly TelnetParser _parser = new(options);
        private Handler _handler = new(observer);

        public void OnNext(byte[] value)
        {
            // The array is owned by us from here on, so events can carry slices of it.
            _handler.Chunk = value;
            _parser.Parse(value, ref _handler);
            _handler.Chunk = null;
        }

        public void OnError(Exception error)
        {
            _parser.Complete(ref _handler);
            observer.OnError(error);
        }

        public void OnCompleted()
        {
            _parser.Complete(ref _handler);
            observer.OnCompleted();
        }
    }

    private struct Handler(IObserver<TelnetEvent> observer) : ITelnetParserHandler
    {
        public byte[]? Chunk;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) =>
            observer.OnNext(TelnetEvent.FromData(new ReadOnlyMemory<byte>(Chunk, inputOffset, data.Length)));

        public readonly void OnCommand(TelnetVerb verb) =>
            observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(verb)));

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) =>
            observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(verb, option)));

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset)
        {
            ReadOnlyMemory<byte> memory = inputOffset >= 0
                ? new ReadOnlyMemory<byte>(Chunk, inputOffset, payload.Length)
                : payload.ToArray();
            observer.OnNext(TelnetEvent.FromCommand(new TelnetCommand(TelnetVerb.Sb, option, memory)));
        }

        public readonly void OnWarning(TelnetWarning warning) =>
            observer.OnNext(TelnetEvent.FromWarning(warning));
    }
}
