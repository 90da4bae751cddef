namespace RxTelnet.Fuzz;

using System.Diagnostics;

/// <summary>
/// The uninstrumented fallback: mutates the corpus at random (bit flips, Telnet tokens, splices, truncations)
/// and runs the target (<see cref="ParserTarget.Check"/> or <see cref="SessionTarget.Check"/>) on each result until
/// the time is up. No coverage feedback, so it explores less than afl-fuzz, but it needs nothing beyond the .NET SDK.
/// </summary>
internal sealed class RandomDriver(IReadOnlyList<byte[]> corpus, int seed, FuzzTarget target)
{
    private const int MaxLength = 4096;

    /// <summary>Sequences a Telnet peer sends; inserting them whole reaches deep parser states quickly.</summary>
    private static readonly byte[][] Tokens =
    [
        [255], [255, 255], [13], [13, 0], [13, 10], [0], [17],
        [255, 250], [255, 240], [255, 250, 24, 1, 255, 240], [255, 250, 31, 0, 80, 0, 24, 255, 240],
        [255, 251, 1], [255, 252, 1], [255, 253, 3], [255, 254, 3], [255, 253, 31], [255, 251, 37],
        [255, 241], [255, 249], [255, 239], [255, 246], [255, 242], [255, 244], [255, 16],
        [255, 251], [255, 253], [255, 250, 39, 0, 0, 85, 83, 69, 82, 1, 114, 111, 111, 116, 255, 240],
    ];

    private readonly Random _rng = new(seed);

    private long _executions;

    /// <summary>Gets how many inputs ran so far (read from another thread by the watchdog).</summary>
    public long Executions => Interlocked.Read(ref _executions);

    /// <summary>Gets the input being run (for the watchdog to save when it hangs).</summary>
    public byte[]? Current { get; private set; }

    /// <summary>
    /// Runs for <paramref name="duration"/>, or until <paramref name="maxExecutions"/> inputs ran; returns the first
    /// failing input and its exception, if any.
    /// </summary>
    public (byte[] Input, Exception Error)? Run(TimeSpan duration, long maxExecutions = long.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration && Executions < maxExecutions)
        {
            // Check the clock every few hundred inputs only: the target is fast.
            for (var i = 0; i < 256 && Executions < maxExecutions; i++)
            {
                var input = Next();
                Current = input;
                Interlocked.Increment(ref _executions);
                try
                {
                    target(input);
                }
                catch (Exception ex)
                {
                    return (input, ex);
                }
            }
        }

        return null;
    }

    private byte[] Next()
    {
        var roll = _rng.Next(16);
        List<byte> data = roll == 0 || corpus.Count == 0
            ? [.. Enumerable.Range(0, _rng.Next(64)).Select(_ => SpecialOrRandomByte())]
            : [.. corpus[_rng.Next(corpus.Count)]];

        var mutations = 1 + _rng.Next(8);
        for (var m = 0; m < mutations; m++)
        {
            Mutate(data);
        }

        if (data.Count > MaxLength)
        {
            data.RemoveRange(MaxLength, data.Count - MaxLength);
        }

        return [.. data];
    }

    private void Mutate(List<byte> data)
    {
        var at = data.Count == 0 ? 0 : _rng.Next(data.Count + 1);
        switch (_rng.Next(9))
        {
            case 0 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] ^= (byte)(1 << _rng.Next(8));
                break;
            case 1 when data.Count > 0:
                data[Math.Min(at, data.Count - 1)] = SpecialOrRandomByte();
                break;
            case 2:
                data.InsertRange(at, Tokens[_rng.Next(Tokens.Length)]);
                break;
            case 3 when data.Count > 0:
                var len = _rng.Next(1, Math.Min(16, data.Count - Math.Min(at, data.Count - 1)) + 1);
                data.RemoveRange(Math.Min(at, data.Count - 1), Math.Min(len, data.Count - Math.Min(at, data.Count - 1)));
                break;
            case 4 when data.Count > 0:
                // Duplicate a range: repeated negotiations, long subnegotiations.
                var start = _rng.Next(data.Count);
                var count = _rng.Next(1, Math.Min(64, data.Count - start) + 1);
                var copy = data.GetRange(start, count);
                for (var k = _rng.Next(1, 8); k > 0; k--)
                {
                    data.InsertRange(at, copy);
                }

                break;
            case 5 when corpus.Count > 0:
                var other = corpus[_rng.Next(corpus.Count)];
                var from = other.Length == 0 ? 0 : _rng.Next(other.Length);
                data.InsertRange(at, other.Skip(from).Take(_rng.Next(1, 128)));
                break;
            case 6 when data.Count > 1:
                data.RemoveRange(at == data.Count ? at - 1 : at, data.Count - (at == data.Count ? at - 1 : at));
                break;
            case 7:
                // A long subnegotiation, possibly unterminated.
                var sb = new List<byte> { 255, 250, (byte)_rng.Next(256) };
                sb.AddRange(Enumerable.Range(0, _rng.Next(1, 200)).Select(_ => SpecialOrRandomByte()));
                if (_rng.Next(2) == 0)
                {
                    sb.AddRange([255, 240]);
                }

                data.InsertRange(at, sb);
                break;
            default:
                data.Insert(at, SpecialOrRandomByte());
                break;
        }
    }

    private byte SpecialOrRandomByte() => _rng.Next(3) switch
    {
        0 => (byte)_rng.Next(256),
        1 => (byte)_rng.Next(236, 256),
        _ => (byte)"\r\n\0\u0011 a"[_rng.Next(6)],
    };
}
