namespace RxTelnet.Fuzz;

using System.Diagnostics;
using System.Globalization;
using SharpFuzz;

/// <summary>Entry point: afl-fuzz target, corpus replay, or plain random driver.</summary>
internal static class Program
{
    private const string Usage = """
        RxTelnet.Fuzz: fuzz harness for the Telnet parser and encoder.

          RxTelnet.Fuzz afl                        run under afl-fuzz (input on stdin; RxTelnet.dll instrumented by sharpfuzz)
          RxTelnet.Fuzz replay PATH...             run every file (directories recursively) once; exit 1 on a failure
          RxTelnet.Fuzz random SECONDS CORPUS [--seed N] [--crashes DIR]
                                                   mutate the corpus at random for SECONDS; save a failing input and exit 1
        """;

    public static int Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        switch (args[0])
        {
            case "afl":
                Fuzzer.Run(static stream =>
                {
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    ParserTarget.Check(memory.GetBuffer().AsSpan(0, (int)memory.Length));
                });
                return 0;
            case "replay":
                return Replay(args.AsSpan(1));
            case "random" when args.Length >= 3:
                return RunRandom(args);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }

    private static int Replay(ReadOnlySpan<string> paths)
    {
        var count = 0;
        foreach (var file in Files(paths))
        {
            try
            {
                ParserTarget.Check(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"FAIL {file}\n{ex}");
                return 1;
            }

            count++;
        }

        Console.WriteLine($"fuzz replay: inputs={count} failures=0");
        return 0;
    }

    private static int RunRandom(string[] args)
    {
        var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
        var corpus = Files([args[2]]).Select(File.ReadAllBytes).ToList();
        var seed = Environment.TickCount;
        var crashes = "crashes";
        for (var i = 3; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--seed":
                    seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--crashes":
                    crashes = args[i + 1];
                    break;
            }
        }

        // The corpus itself first: a regression run.
        foreach (var input in corpus)
        {
            ParserTarget.Check(input);
        }

        var driver = new RandomDriver(corpus, seed);
        var clock = Stopwatch.StartNew();
        var failure = driver.Run(TimeSpan.FromSeconds(seconds));
        var elapsed = clock.Elapsed.TotalSeconds;
        var rate = driver.Executions / Math.Max(elapsed, 0.001);
        if (failure is { } f)
        {
            Directory.CreateDirectory(crashes);
            var path = Path.Combine(crashes, $"crash-{Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(f.Input))[..16].ToLowerInvariant()}");
            File.WriteAllBytes(path, f.Input);
            Console.Error.WriteLine($"FAIL after {driver.Executions} executions (seed {seed}); input saved to {path}\n{f.Error}");
            Console.WriteLine($"fuzz random: executions={driver.Executions} seconds={elapsed:F0} seed={seed} crashes=1");
            return 1;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz random: executions={driver.Executions} seconds={elapsed:F0} execs_per_sec={rate:F0} seed={seed} corpus={corpus.Count} crashes=0"));
        return 0;
    }

    private static IEnumerable<string> Files(ReadOnlySpan<string> paths)
    {
        var files = new List<string>();
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                // afl-fuzz keeps README.txt and dot-files next to its inputs.
                files.AddRange(Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(static f => !Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != "README.txt" && !f.Contains("/.state/", StringComparison.Ordinal))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                files.Add(path);
            }
        }

        return files;
    }
}
