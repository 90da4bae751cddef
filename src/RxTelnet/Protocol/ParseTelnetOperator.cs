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

    private sealed class Sink : IObserver<byte[]>
    {
        private readonly IObserver<TelnetEvent> _observer;
        private readonly TelnetParser _parser;
        private EventForwardingHandler _handler;

        public Sink(IObserver<TelnetEvent> observer, TelnetParserOptions options)
        {
            _observer = observer;
            _parser = new TelnetParser(options);
            _handler = new EventForwardingHandler(observer, _parser);
        }

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
            _observer.OnError(error);
        }

        public void OnCompleted()
        {
            _parser.Complete(ref _handler);
            _observer.OnCompleted();
        }
    }
}
