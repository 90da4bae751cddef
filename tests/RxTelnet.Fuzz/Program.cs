namespace RxTelnet.Fuzz;

using System.Diagnostics;
using System.Globalization;
using SharpFuzz;

/// <summary>One fuzz target: runs an input, throws on a finding.</summary>
/// <param name="input">The input.</param>
internal delegate void FuzzTarget(ReadOnlySpan<byte> input);

/// <summary>Entry point: afl-fuzz target, corpus replay, or plain random driver, for either target.</summary>
internal static class Program
{
    private const string Usage = """
        RxTelnet.Fuzz: fuzz harness for the Telnet parser, encoder and session.

          RxTelnet.Fuzz afl [TARGET]               run under afl-fuzz (input on stdin; RxTelnet.dll instrumented by sharpfuzz)
          RxTelnet.Fuzz replay [--target TARGET] PATH...
                                                   run every file (directories recursively) once; exit 1 on a failure
          RxTelnet.Fuzz random SECONDS CORPUS [--target TARGET] [--seed N] [--crashes DIR] [--hang-seconds N]
                                   [--executions N]
                                                   mutate the corpus at random for SECONDS (or N executions, whichever
                                                   comes first); save a failing (or hanging) input and exit 1

        TARGET is parser (the default: parser, encoder and a scripted session, see ParserTarget) or session (a program
        of peer bytes and application operations driving a session in virtual time, see SessionTarget).
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
            case "afl" when args.Length <= 2 && TryTarget(args.Length == 2 ? args[1] : "parser", out var target):
                Fuzzer.Run(stream =>
                {
                    using var memory = new MemoryStream();
                    stream.CopyTo(memory);
                    target(memory.GetBuffer().AsSpan(0, (int)memory.Length));
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

    private static bool TryTarget(string name, out FuzzTarget target)
    {
        switch (name)
        {
            case "parser":
                target = ParserTarget.Check;
                return true;
            case "session":
                target = SessionTarget.Check;
                return true;
            default:
                Console.Error.WriteLine($"unknown target '{name}' (parser or session)");
                target = null!;
                return false;
        }
    }

    private static int Replay(ReadOnlySpan<string> args)
    {
        var name = "parser";
        if (args.Length >= 2 && args[0] == "--target")
        {
            name = args[1];
            args = args[2..];
        }

        if (!TryTarget(name, out var target))
        {
            return 2;
        }

        // Every input, even after a failure: a regression corpus may hold several open findings.
        var count = 0;
        var failures = 0;
        foreach (var file in Files(args))
        {
            try
            {
                target(File.ReadAllBytes(file));
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"FAIL {file}\n{ex}");
                failures++;
            }

            count++;
        }

        Console.WriteLine($"fuzz replay: target={name} inputs={count} failures={failures}");
        return failures == 0 ? 0 : 1;
    }

    private static int RunRandom(string[] args)
    {
        var seconds = double.Parse(args[1], CultureInfo.InvariantCulture);
        var corpus = Files([args[2]]).Select(File.ReadAllBytes).ToList();
        var seed = Environment.TickCount;
        var crashes = "crashes";
        var name = "parser";
        var hangSeconds = 60;
        var maxExecutions = long.MaxValue;
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
                case "--target":
                    name = args[i + 1];
                    break;
                case "--hang-seconds":
                    hangSeconds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--executions":
                    maxExecutions = long.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine(Usage);
                    return 2;
            }
        }

        if (!TryTarget(name, out var target))
        {
            return 2;
        }

        // The corpus itself first: a regression run.
        foreach (var input in corpus)
        {
            try
            {
                target(input);
            }
            catch (Exception ex)
            {
                Console.Error.WriteLine($"FAIL in the corpus (regression)\n{ex}");
                return 1;
            }
        }

        var driver = new RandomDriver(corpus, seed, target);
        StartWatchdog(driver, hangSeconds, crashes, seed);
        var clock = Stopwatch.StartNew();
        var failure = driver.Run(TimeSpan.FromSeconds(seconds), maxExecutions);
        var elapsed = clock.Elapsed.TotalSeconds;
        var rate = driver.Executions / Math.Max(elapsed, 0.001);
        if (failure is { } f)
        {
            var path = Save(crashes, "crash", f.Input);
            Console.Error.WriteLine($"FAIL after {driver.Executions} executions (seed {seed}); input saved to {path}\n{f.Error}");
            Console.WriteLine($"fuzz random: target={name} executions={driver.Executions} seconds={elapsed:F0} seed={seed} crashes=1");
            return 1;
        }

        if (name == "session")
        {
            Console.WriteLine("session programs: " + string.Join(", ", SessionTarget.Stats.Select(static kv => $"{kv.Key} {kv.Value}")));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"fuzz random: target={name} executions={driver.Executions} seconds={elapsed:F0} execs_per_sec={rate:F0} seed={seed} corpus={corpus.Count} crashes=0"));
        return 0;
    }

    /// <summary>Saves the input being run and exits 1 when no execution finishes for <paramref name="seconds"/>.</summary>
    private static void StartWatchdog(RandomDriver driver, int seconds, string crashes, int seed)
    {
        var thread = new Thread(() =>
        {
            var last = -1L;
            var since = Stopwatch.StartNew();
            while (true)
            {
                Thread.Sleep(1000);
                var now = driver.Executions;
                if (now != last)
                {
                    last = now;
                    since.Restart();
                }
                else if (since.Elapsed.TotalSeconds >= seconds && driver.Current is { } input)
                {
                    var path = Save(crashes, "hang", input);
                    Console.Error.WriteLine($"HANG: one execution ran for more than {seconds} s (after {now} executions, seed {seed}); input saved to {path}");
                    Environment.Exit(1);
                }
            }
        })
        { IsBackground = true, Name = "fuzz watchdog" };
        thread.Start();
    }

    private static string Save(string directory, string kind, byte[] input)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{kind}-{Convert.ToHexString(System.Security.Cryptography.SHA1.HashData(input))[..16].ToLowerInvariant()}");
        File.WriteAllBytes(path, input);
        return path;
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
