namespace RxTelnet.Benchmarks;

using System.Diagnostics;
using System.Globalization;

/// <summary>
/// The in-process harness of issue #14: every case runs beside its baseline in one process, the two alternating
/// within each round, and the ratio is taken per round; it prints the median ratio, the spread (min-max), the bytes
/// allocated and the GCs per pass, and the load average before and after, so figures from a shared machine can be
/// compared with each other.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Session: <see cref="SessionThroughput.SessionReadUntil"/> against <see cref="SessionThroughput.RawSocket"/>,
/// 256 MiB each over loopback, wall time (both sides use several threads). Ratio: raw time / session time, so 1 is
/// "as fast as the socket". Allocation counts every thread, per wire byte.</item>
/// <item>Expect scaling: <see cref="ReadScaling.Expect"/> over 64 MiB against the same over 1 MiB, wall time.
/// Ratio: 64 MiB time / 1 MiB time (64 is linear); the 1 MiB pass is the mean of 8 runs, as one takes milliseconds. Allocation per input byte of the 64 MiB pass.</item>
/// <item>Parser: <see cref="ParserThroughput.ParserInto"/> (the parser's copy-out path) against a plain
/// vectorised probe (<see cref="Probe"/>: <c>IndexOf(IAC)</c>, copy the run, skip the sequence) at 0, 0.1, 1 and
/// 10 % IAC, thread CPU time where Linux offers it. Ratio: probe time / parser time (above 1: the parser is
/// faster).</item>
/// </list>
/// The first round of every case is a warm-up and is not counted.
/// </remarks>
public static class Ratios
{
    /// <summary>Runs every case for <paramref name="rounds"/> counted rounds and prints a Markdown report.</summary>
    /// <param name="rounds">Counted rounds per case, after one warm-up round.</param>
    /// <param name="only">When not null, only the cases whose name contains it (session, expect, parser).</param>
    public static void Run(int rounds, string? only = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        var started = Stopwatch.GetTimestamp();
        Console.WriteLine($"rxtelnet ratios: {rounds} rounds, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
                          $"server GC {System.Runtime.GCSettings.IsServerGC}, load average {LoadAverage()}");
        Console.WriteLine();
        Console.WriteLine("| case | baseline | median ratio | min-max | case alloc B/byte | case GCs gen0/1/2 per pass | baseline alloc B/byte | case MB/s | baseline MB/s |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");

        if (Wants(only, "session"))
        {
            var bench = new SessionThroughput();
            bench.Setup();
            try
            {
                Report(
                    "session ReadUntilAsync (256 MiB loopback)",
                    "raw socket reader",
                    rounds,
                    new Measured(() => bench.SessionReadUntil().GetAwaiter().GetResult(), 256L << 20, AllThreads: true, Cpu: false),
                    new Measured(() => bench.RawSocket().GetAwaiter().GetResult(), 256L << 20, AllThreads: true, Cpu: false),
                    higherIsBetter: true);
                Report(
                    "session ReadUntilAsync into a reused writer (256 MiB loopback)",
                    "raw socket reader",
                    rounds,
                    new Measured(() => bench.SessionReadUntilInto().GetAwaiter().GetResult(), 256L << 20, AllThreads: true, Cpu: false),
                    new Measured(() => bench.RawSocket().GetAwaiter().GetResult(), 256L << 20, AllThreads: true, Cpu: false),
                    higherIsBetter: true);
            }
            finally
            {
                bench.Cleanup();
            }
        }

        if (Wants(only, "expect"))
        {
            var large = new ReadScaling { MiB = 64 };
            large.Setup();
            var small = new ReadScaling { MiB = 1 };
            small.Setup();
            Report(
                "Expect 64 MiB",
                "Expect 1 MiB",
                rounds,
                new Measured(() => large.Expect().GetAwaiter().GetResult().Length, 64L << 20, AllThreads: true, Cpu: false),
                new Measured(() => small.Expect().GetAwaiter().GetResult().Length, 1L << 20, AllThreads: true, Cpu: false, Repeat: 8),
                higherIsBetter: false);
        }

        if (Wants(only, "parser"))
        {
            foreach (var density in new[] { 0.0, 0.001, 0.01, 0.1 })
            {
                var bench = new ParserThroughput { Density = density };
                var console = Console.Out;
                Console.SetOut(TextWriter.Null);
                bench.Setup();
                Console.SetOut(console);
                var probe = new Probe(bench.Chunks);
                if (density == 0)
                {
                    // The ceiling for any copying consumer: the same chunks copied with no scan at all. Where this
                    // ratio is low, the probe already runs at the memory's speed and no parser can beat it by more.
                    Report(
                        "memcpy of the same chunks (ceiling), 0 % IAC",
                        "IndexOf-and-copy probe",
                        rounds,
                        new Measured(() => bench.Memcpy(), TelnetInput.DefaultTotalBytes, AllThreads: false, Cpu: true),
                        new Measured(probe.Run, TelnetInput.DefaultTotalBytes, AllThreads: false, Cpu: true),
                        higherIsBetter: true);
                }

                Report(
                    string.Create(CultureInfo.InvariantCulture, $"parser copy-out, {density * 100:0.#} % IAC"),
                    "IndexOf-and-copy probe",
                    rounds,
                    new Measured(bench.ParserInto, TelnetInput.DefaultTotalBytes, AllThreads: false, Cpu: true),
                    new Measured(probe.Run, TelnetInput.DefaultTotalBytes, AllThreads: false, Cpu: true),
                    higherIsBetter: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"load average after: {LoadAverage()}; {Stopwatch.GetElapsedTime(started).TotalSeconds:0} s in all"));
    }

    private static bool Wants(string? only, string name) => only is null || name.Contains(only, StringComparison.OrdinalIgnoreCase);

    /// <summary>Alternates case and baseline per round (the order flips every round) and prints one table row.</summary>
    private static void Report(string name, string baselineName, int rounds, Measured subject, Measured baseline, bool higherIsBetter)
    {
        var ratios = new List<double>();
        var caseRates = new List<double>();
        var baselineRates = new List<double>();
        Pass caseTotals = default;
        Pass baselineTotals = default;

        // Warm-up, uncounted: enough calls for tiered compilation to promote the hot methods, with pauses for the
        // background compiler to install them, so the first rounds do not time tier-0 code against precompiled code.
        for (var warm = 0; warm < 3; warm++)
        {
            subject.Time();
            baseline.Time();
            Thread.Sleep(150);
        }

        for (var round = -1; round < rounds; round++)
        {
            Pass a, b;
            if ((round & 1) == 0)
            {
                a = subject.Time();
                b = baseline.Time();
            }
            else
            {
                b = baseline.Time();
                a = subject.Time();
            }

            if (round < 0)
            {
                continue;
            }

            ratios.Add(higherIsBetter ? b.Milliseconds / a.Milliseconds : a.Milliseconds / b.Milliseconds);
            caseRates.Add(subject.Bytes / a.Milliseconds / 1e3);
            baselineRates.Add(baseline.Bytes / b.Milliseconds / 1e3);
            caseTotals += a;
            baselineTotals += b;
        }

        var median = Median(ratios);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {name} | {baselineName} | {median:0.00} | {ratios[0]:0.00}-{ratios[^1]:0.00} | " +
            $"{(double)caseTotals.Allocated / rounds / subject.Bytes:0.000} | " +
            $"{(double)caseTotals.Gen0 / rounds:0.#}/{(double)caseTotals.Gen1 / rounds:0.#}/{(double)caseTotals.Gen2 / rounds:0.#} | " +
            $"{(double)baselineTotals.Allocated / rounds / baseline.Bytes:0.000} | {Median(caseRates):#,0} | {Median(baselineRates):#,0} |"));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }

    private readonly record struct Pass(double Milliseconds, long Allocated, int Gen0, int Gen1, int Gen2)
    {
        public static Pass operator +(Pass x, Pass y) =>
            new(x.Milliseconds + y.Milliseconds, x.Allocated + y.Allocated, x.Gen0 + y.Gen0, x.Gen1 + y.Gen1, x.Gen2 + y.Gen2);
    }

    /// <summary>A timed action; with <paramref name="Repeat"/> above 1 a pass runs it that many times and reports the mean.</summary>
    private sealed record Measured(Func<long> Action, long Bytes, bool AllThreads, bool Cpu, int Repeat = 1)
    {
        private long _sink;

        public Pass Time()
        {
            var gen0 = GC.CollectionCount(0);
            var gen1 = GC.CollectionCount(1);
            var gen2 = GC.CollectionCount(2);
            var before = AllThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
            var start = Cpu ? Interleaved.Clock.Now() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
            for (var i = 0; i < Repeat; i++)
            {
                _sink += Action();
            }

            var end = Cpu ? Interleaved.Clock.Now() : Stopwatch.GetTimestamp() * 1e3 / Stopwatch.Frequency;
            var after = AllThreads ? GC.GetTotalAllocatedBytes(precise: true) : GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(_sink);
            return new Pass(
                (end - start) / Repeat,
                (after - before) / Repeat,
                (GC.CollectionCount(0) - gen0) / Repeat,
                (GC.CollectionCount(1) - gen1) / Repeat,
                (GC.CollectionCount(2) - gen2) / Repeat);
        }
    }

    /// <summary>
    /// The plain vectorised baseline for a copying consumer: per chunk, <c>IndexOf(IAC)</c> finds the next sequence,
    /// the run before it is copied into a 64 KiB sink, <c>IAC IAC</c> copies one 0xFF, a negotiation skips three bytes
    /// and a subnegotiation skips to its <c>IAC SE</c>. No state across chunks and no CR NUL rule: a floor, not a parser.
    /// </summary>
    private sealed class Probe(byte[][] chunks)
    {
        private readonly byte[] _sink = new byte[TelnetInput.DefaultChunkSize];

        public long Run()
        {
            const byte Iac = 255;
            long total = 0;
            var sink = _sink.AsSpan();
            foreach (var chunk in chunks)
            {
                ReadOnlySpan<byte> rest = chunk;
                var length = 0;
                while (true)
                {
                    var p = rest.IndexOf(Iac);
                    if (p < 0 || p + 2 >= rest.Length)
                    {
                        rest.CopyTo(sink[length..]);
                        length += rest.Length;
                        break;
                    }

                    rest[..p].CopyTo(sink[length..]);
                    length += p;
                    var c = rest[p + 1];
                    if (c == Iac)
                    {
                        sink[length++] = Iac;
                        rest = rest[(p + 2)..];
                    }
                    else if (c >= 251)
                    {
                        rest = rest[(p + 3)..];
                    }
                    else if (c == 250)
                    {
                        var end = rest[(p + 3)..].IndexOf(Iac);
                        if (end < 0 || p + 3 + end + 2 > rest.Length)
                        {
                            break;
                        }

                        rest = rest[(p + 3 + end + 2)..];
                    }
                    else
                    {
                        rest = rest[(p + 2)..];
                    }
                }

                total += length;
            }

            return total + _sink[0];
        }
    }
}
