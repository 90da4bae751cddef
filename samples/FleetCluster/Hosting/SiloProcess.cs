namespace RxTelnet.Samples.FleetCluster.Hosting;

using System.Diagnostics;
using System.Globalization;
using System.Reflection;

/// <summary>A silo child process seen from the launcher: started, waited for, asked for figures, stopped or killed.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;
    private readonly TaskCompletionSource<SiloFigures> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource<SiloFigures> _stats = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(int index, Process process)
    {
        Index = index;
        _process = process;
    }

    public int Index { get; }

    public string Name => $"silo-{Index}";

    public int ProcessId => _process.Id;

    /// <summary>Gets the figures at start, before any device grain (the baseline for memory per device).</summary>
    public SiloFigures? Baseline { get; private set; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts this very program again with <paramref name="arguments"/> (under <c>dotnet</c> when it runs as a dll).</summary>
    public static SiloProcess Start(int index, IReadOnlyList<string> arguments)
    {
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("The path of this program is unknown, so no silo can be started.");
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetEntryAssembly()!.Location);
        }

        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var silo = new SiloProcess(index, process);
        process.OutputDataReceived += (_, e) => silo.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                Console.Error.WriteLine($"[silo-{index}] {line}");
            }
        };
        process.Exited += (_, _) => silo._ready.TrySetException(new InvalidOperationException($"silo-{index} exited with code {process.ExitCode} before it was ready."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    /// <summary>Waits until the silo has joined the cluster.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout) => Baseline = await _ready.Task.WaitAsync(timeout).ConfigureAwait(false);

    /// <summary>Asks the silo for its figures (it runs a full collection first).</summary>
    public async Task<SiloFigures?> StatsAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return null;
        }

        var pending = _stats = new TaskCompletionSource<SiloFigures>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _process.StandardInput.WriteLineAsync("stats").ConfigureAwait(false);
            await _process.StandardInput.FlushAsync().ConfigureAwait(false);
            return await pending.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Closes the silo's input: it leaves the cluster gracefully and exits. Kills it if it takes longer than <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
            await _process.WaitForExitAsync().WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or TimeoutException)
        {
            Kill();
        }
    }

    /// <summary>Kills the silo at once: no goodbye, the cluster has to notice it is gone.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("READY ", StringComparison.Ordinal))
        {
            _ready.TrySetResult(SiloFigures.Parse(line));
        }
        else if (line.StartsWith("STATS ", StringComparison.Ordinal))
        {
            _stats.TrySetResult(SiloFigures.Parse(line));
        }
        else if (line.Length > 0)
        {
            Console.Error.WriteLine($"[silo-{Index}] {line}");
        }
    }
}

/// <summary>What a silo reports of itself: device grains active, managed heap after a full collection, working set.</summary>
public sealed record SiloFigures(int Devices, long HeapBytes, long WorkingSetBytes)
{
    /// <summary>Reads <c>devices=N heap=B ws=B</c> out of a line; missing fields are zero.</summary>
    public static SiloFigures Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        long Field(string name)
        {
            foreach (var part in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith(name + "=", StringComparison.Ordinal)
                    && long.TryParse(part.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v))
                {
                    return v;
                }
            }

            return 0;
        }

        return new SiloFigures((int)Field("devices"), Field("heap"), Field("ws"));
    }
}
