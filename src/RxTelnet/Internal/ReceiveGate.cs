namespace RxTelnet.Internal;

/// <summary>
/// A receive loop's pause switch: <see cref="WaitAsync"/> completes at once while open, and only after
/// <see cref="Resume"/> while paused. The loop resumes on the thread pool, never on the stack of whoever resumes it.
/// </summary>
internal sealed class ReceiveGate
{
    private readonly object _lock = new();
    private TaskCompletionSource? _resumed;

    /// <summary>Pauses; idempotent.</summary>
    public void Pause()
    {
        lock (_lock)
        {
            _resumed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    /// <summary>Opens again, releasing a waiting loop; idempotent.</summary>
    public void Resume()
    {
        TaskCompletionSource? resumed;
        lock (_lock)
        {
            resumed = _resumed;
            _resumed = null;
        }

        resumed?.TrySetResult();
    }

    /// <summary>Waits until the gate is open.</summary>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>A task that completes when the gate is open.</returns>
    public Task WaitAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource? resumed;
        lock (_lock)
        {
            resumed = _resumed;
        }

        return resumed is null ? Task.CompletedTask : resumed.Task.WaitAsync(cancellationToken);
    }
}
