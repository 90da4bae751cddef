namespace RxTelnet.Benchmarks;

/// <summary>A cold observable that pushes the given chunks synchronously on subscribe, then completes.</summary>
/// <remarks>The same arrays are pushed on every subscription; the benchmark observers never keep them.</remarks>
public sealed class ChunkSource(byte[][] chunks) : IObservable<byte[]>
{
    public IDisposable Subscribe(IObserver<byte[]> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        foreach (var chunk in chunks)
        {
            observer.OnNext(chunk);
        }

        observer.OnCompleted();
        return NoSubscription.Instance;
    }

    private sealed class NoSubscription : IDisposable
    {
        public static readonly NoSubscription Instance = new();

        public void Dispose()
        {
        }
    }
}
