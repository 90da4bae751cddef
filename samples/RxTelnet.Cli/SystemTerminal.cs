namespace RxTelnet.Cli;

using RxTelnet.Session;

/// <summary>The process's console.</summary>
public sealed class SystemTerminal : ITerminal
{
    public static SystemTerminal Instance { get; } = new();

    public TextReader In => Console.In;

    public TextWriter Out => Console.Out;

    public TextWriter Error => Console.Error;

    public bool IsInputTerminal => !Console.IsInputRedirected;

    public bool IsOutputTerminal => !Console.IsOutputRedirected;

    public string? TerminalType => Environment.GetEnvironmentVariable("TERM") is { Length: > 0 } term ? term : null;

    public WindowSize? WindowSize
    {
        get
        {
            try
            {
                var (width, height) = (Console.WindowWidth, Console.WindowHeight);
                return width > 0 && height > 0 ? new WindowSize((ushort)Math.Min(width, ushort.MaxValue), (ushort)Math.Min(height, ushort.MaxValue)) : null;
            }
            catch (IOException)
            {
                return null;
            }
        }
    }

    public ConsoleKeyInfo? ReadKey(CancellationToken cancellationToken)
    {
        // Console.ReadKey cannot be cancelled; the caller abandons the thread blocked here when the session ends.
        if (cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        try
        {
            return Console.ReadKey(intercept: true);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    public IDisposable EnterRawMode()
    {
        var previous = Console.TreatControlCAsInput;
        Console.TreatControlCAsInput = true;
        return new Restore(() => Console.TreatControlCAsInput = previous);
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                restore();
            }
        }
    }
}
