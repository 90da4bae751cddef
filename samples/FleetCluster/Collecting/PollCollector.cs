namespace RxTelnet.Samples.FleetCluster.Collecting;

using System.Reactive.Linq;
using System.Reactive.Subjects;
using RxTelnet.Samples.FleetCluster.Grains;

/// <summary>
/// The client-side end of the results: the <see cref="IPollObserver"/> the grains call, turned into one observable of
/// results already checked by a <see cref="ResultLedger"/>. Calls arrive on any thread; a gate makes the ledger and the
/// subject see them one at a time, so subscribers (the dashboard, the CSV writer, a test) need no locking of their own.
/// </summary>
public sealed class PollCollector : IPollObserver, IDisposable
{
    private readonly object _gate = new();
    private readonly ResultLedger _ledger = new();
    private readonly Subject<LedgerEntry> _entries = new();
    private bool _disposed;

    /// <summary>Gets every result with its verdict (hot).</summary>
    public IObservable<LedgerEntry> Entries => _entries.AsObservable();

    /// <summary>Runs <paramref name="read"/> on the ledger under the gate, for a consistent snapshot.</summary>
    public T Read<T>(Func<ResultLedger, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_gate)
        {
            return read(_ledger);
        }
    }

    public Task OnPolled(FleetPollResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        lock (_gate)
        {
            if (!_disposed)
            {
                _entries.OnNext(_ledger.Record(result));
            }
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _entries.OnCompleted();
            _entries.Dispose();
        }
    }
}
