namespace RxTelnet.Benchmarks;

using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

/// <summary>
/// A cross-check of <see cref="ParserThroughput"/> for shared, noisy machines: all cases of one density run in
/// round-robin in one process, and each reports its best pass, so a burst of load from elsewhere hits every case
/// alike instead of whichever case BenchmarkDotNet happened to be running.
/// </summary>
/// <remarks>
/// On Linux a pass is timed in CPU time of the benchmark thread (<c>CLOCK_THREAD_CPUTIME_ID</c>), not wall time: when
/// other processes hold the cores, a long pass (hundreds of milliseconds at 10 % density) is almost never left alone
/// for its whole length while a 3 ms memcpy often is, so wall-clock ratios come out biased against the slow cases.
/// Elsewhere, or if the call fails, passes are timed in wall time.
/// </remarks>
public static class Interleaved
{
    /// <summary>Runs <paramref name="rounds"/> rounds per density and prints a Markdown table.</summary>
    /// <param name="rounds">How many passes each case makes, after three warm-up passes.</param>
    /// <param name="densities">The densities to run; PERFORMANCE.md's four when null.</param>
    public static void Run(int rounds, IReadOnlyList<double>? densities = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        var names = new[] { "Memcpy", "ParserCopy", "ParserInto", "ParserSlices", "ScanFloor", "ParseTelnetOperator" };
        var header = "| Density | " + string.Join(" | ", names) + " |" + Environment.NewLine + "|---|" + string.Concat(Enumerable.Repeat("---:|", names.Length));
        var throughput = new List<string>();
        var allocation = new List<string>();

        foreach (var density in densities ?? [0.0, 0.001, 0.01, 0.1])
        {
            var bench = new ParserThroughput { Density = density };
            TextWriter console = Console.Out;
            Console.SetOut(TextWriter.Null);
            bench.Setup();
            Console.SetOut(console);

            var cases = new Func<long>[] { () => bench.Memcpy(), bench.ParserCopy, bench.ParserInto, bench.ParserSlices, bench.ScanFloor, bench.ParseTelnetOperator };
            var best = new double[cases.Length];
            var allocated = new long[cases.Length];
            Array.Fill(best, double.MaxValue);
            long sink = 0;
            for (var round = -3; round < rounds; round++)
            {
                for (var k = 0; k < cases.Length; k++)
                {
                    var before = GC.GetAllocatedBytesForCurrentThread();
                    var start = Clock.Now();
                    sink += cases[k]();
                    var elapsed = Clock.Now() - start;
                    allocated[k] = GC.GetAllocatedBytesForCurrentThread() - before;
                    if (round >= 0)
                    {
                        best[k] = Math.Min(best[k], elapsed);
                    }
                }
            }

            var row = string.Create(CultureInfo.InvariantCulture, $"| {density:0.###} | ");
            throughput.Add(row + string.Join(" | ", best.Select(ms => string.Create(
                CultureInfo.InvariantCulture, $"{TelnetInput.DefaultTotalBytes / ms / 1e3:N0} ({best[0] / ms:0.000})"))) + " |");
            allocation.Add(row + string.Join(" | ", allocated.Select(bytes => string.Create(
                CultureInfo.InvariantCulture, $"{(double)bytes / (TelnetInput.DefaultTotalBytes / TelnetInput.DefaultChunkSize):0.00}"))) + " |");
            GC.KeepAlive(sink);
        }

        Console.WriteLine($"MB/s (10^6 wire bytes/s) of the best of {rounds} interleaved passes in {Clock.Kind}, (ratio to memcpy):");
        Console.WriteLine();
        Console.WriteLine(header);
        throughput.ForEach(Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine("Bytes allocated per 64 KiB chunk (last pass):");
        Console.WriteLine();
        Console.WriteLine(header);
        allocation.ForEach(Console.WriteLine);
    }

    /// <summary>Thread CPU time where the OS offers it, wall time otherwise; in milliseconds.</summary>
    internal static class Clock
    {
        private const int ClockThreadCpuTimeId = 3;

        private static readonly bool ThreadCpu = OperatingSystem.IsLinux() && TryThreadCpu(out _);

        public static string Kind => ThreadCpu ? "thread CPU time" : "wall time";

        public static double Now()
        {
            if (ThreadCpu)
            {
                _ = NativeMethods.clock_gettime(ClockThreadCpuTimeId, out var time);
                return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
            }

            return Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
        }

        private static bool TryThreadCpu(out double milliseconds)
        {
            try
            {
                if (NativeMethods.clock_gettime(ClockThreadCpuTimeId, out var time) == 0)
                {
                    milliseconds = (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
                    return true;
                }
            }
            catch (DllNotFoundException)
            {
            }
            catch (EntryPointNotFoundException)
            {
            }

            milliseconds = 0;
            return false;
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "clock_gettime")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int clock_gettime(int clockId, out TimeSpec time);
    }
}
