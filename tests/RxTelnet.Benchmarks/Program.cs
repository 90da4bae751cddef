namespace RxTelnet.Benchmarks;

using System.Globalization;
using BenchmarkDotNet.Running;

/// <summary>
/// Runs the benchmarks chosen on the command line, e.g. <c>--filter '*Parser*'</c>; <c>--check-input</c> only builds
/// and verifies the parser inputs and prints what they hold; <c>--interleaved [rounds] [d1,d2,...]</c> runs the parser cases
/// round-robin in one process as a cross-check on noisy machines; <c>--ratios [--rounds N] [--only session|expect|parser]</c>
/// runs each case of issue #14 alternating with its baseline and prints median ratios, spread, allocations and GCs;
/// <c>--scale [sessions] [per client process]</c> holds that many idle sessions in one listener (see <see cref="Scale"/>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["--check-input"])
        {
            foreach (var density in new[] { 0.0, 0.001, 0.01, 0.1 })
            {
                var input = TelnetInput.Create(density);
                InputCheck.Verify(input);
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"density {density,6:0.###}: achieved {input.Density:P3}, {input.Escapes} IAC IAC, {input.Negotiations} negotiations, " +
                    $"{input.Subnegotiations} subnegotiations ({input.Straddling} sequences split by a chunk boundary), " +
                    $"{input.ExpectedCooked.Length} cooked bytes: verified"));
            }

            return;
        }

        if (args is ["--ratios", ..])
        {
            var rounds = 7;
            string? only = null;
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                switch (args[i])
                {
                    case "--rounds":
                        rounds = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                        break;
                    case "--only":
                        only = args[i + 1];
                        break;
                    default:
                        throw new ArgumentException($"unknown option {args[i]}; use --rounds N and --only session|expect|parser");
                }
            }

            Ratios.Run(rounds, only);
            return;
        }

        if (args is ["--scale", ..])
        {
            Console.WriteLine("| sessions | client processes | clients greeted | server sessions | managed heap | heap per session | working set per session | time to greet all |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            Scale.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 10_000);
            return;
        }

        if (args is ["--scale-clients", var port, var count, var source])
        {
            Scale.Client(int.Parse(port, CultureInfo.InvariantCulture), int.Parse(count, CultureInfo.InvariantCulture), int.Parse(source, CultureInfo.InvariantCulture));
            return;
        }

        if (args is ["--interleaved", ..])
        {
            Interleaved.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30,
                args.Length > 2 ? [.. args[2].Split(',').Select(d => double.Parse(d, CultureInfo.InvariantCulture))] : null);
            return;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
