namespace RxTelnet.Benchmarks;

using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using BenchmarkDotNet.Attributes;
using RxTelnet.Protocol;

/// <summary>
/// Parser throughput over the PERFORMANCE.md input: 64 MiB of wire bytes in 64 KiB chunks, one operation being one
/// pass over all of it, against a memcpy of the same chunks.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item><see cref="Memcpy"/>: copies each chunk into a 64 KiB destination (the ceiling, and the baseline).</item>
/// <item><see cref="ParserCopy"/>: the parser with a struct handler that copies each cooked run into a 64 KiB sink,
/// as a consumer that keeps the cooked output would; this is the figure compared with the envelope.</item>
/// <item><see cref="ParserInto"/>: the parser's copy-out path, <see cref="TelnetParser.ParseInto{THandler}"/>, writing
/// each chunk's cooked bytes into a 64 KiB destination, commands to a struct handler.</item>
/// <item><see cref="ParserSlices"/>: the same parser with a handler that only sums run lengths, as a consumer that
/// keeps the slices (the parser's zero-copy contract) would.</item>
/// <item><see cref="ScanFloor"/>: not a parser but a floor for its design: an inline vector search for IAC and a
/// dispatch on the byte after it, with no handler, no state across chunks and no CR NUL rule. The gap between it and
/// <see cref="ParserSlices"/> is what the parser's bookkeeping costs.</item>
/// <item><see cref="ParseTelnetOperator"/>: the <c>ParseTelnet</c> Rx operator end to end, fed by a plain
/// <see cref="IObservable{T}"/> that pushes the chunks, with an observer that sums data lengths and counts commands.</item>
/// </list>
/// The setup checks, once per process, that the parser and the operator reproduce the expected cooked stream and
/// commands byte for byte, and throws if they do not.
/// </remarks>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
[Config(typeof(ThroughputConfig))]
public class ParserThroughput
{
    private byte[][] _chunks = [];
    private byte[] _destination = [];
    private TelnetParser _parser = new();
    private ChunkSource _source = new([]);

    /// <summary>Gets or sets the share of wire bytes that are 0xFF (in IAC sequences).</summary>
    [Params(0.0, 0.001, 0.01, 0.1)]
    public double Density { get; set; }

    /// <summary>Gets the input chunks, once <see cref="Setup"/> has run.</summary>
    public byte[][] Chunks => _chunks;

    [GlobalSetup]
    public void Setup()
    {
        var input = TelnetInput.Create(Density);
        _chunks = input.Chunks;
        _destination = new byte[TelnetInput.DefaultChunkSize];
        _parser = new TelnetParser();
        _source = new ChunkSource(_chunks);
        InputCheck.Verify(input);
        Console.WriteLine(
            $"// Input: {input.TotalBytes} bytes in {_chunks.Length} chunks, density {input.Density:P3}, " +
            $"{input.Escapes} IAC IAC, {input.Negotiations} negotiations, {input.Subnegotiations} subnegotiations, {input.Straddling} split by a chunk boundary; cooked output verified.");
    }

    [Benchmark(Baseline = true)]
    public int Memcpy()
    {
        var destination = _destination;
        var total = 0;
        foreach (var chunk in _chunks)
        {
            chunk.AsSpan().CopyTo(destination);
            total += chunk.Length;
        }

        return total + destination[0];
    }

    [Benchmark]
    public long ParserCopy()
    {
        var parser = _parser;
        var handler = new CopyingHandler(_destination);
        foreach (var chunk in _chunks)
        {
            parser.Parse(chunk, ref handler);
            handler.Flush();
        }

        return handler.Checksum;
    }

    [Benchmark]
    public long ParserInto()
    {
        var parser = _parser;
        var destination = _destination;
        var handler = default(SummingHandler);
        long delivered = 0;
        foreach (var chunk in _chunks)
        {
            parser.ParseInto(chunk, destination, ref handler, out var written);
            delivered += written;
        }

        return delivered + handler.Checksum + destination[0];
    }

    [Benchmark]
    public long ParserSlices()
    {
        var parser = _parser;
        var handler = default(SummingHandler);
        foreach (var chunk in _chunks)
        {
            parser.Parse(chunk, ref handler);
        }

        return handler.Checksum;
    }

    [Benchmark]
    public long ScanFloor()
    {
        long sum = 0;
        foreach (var chunk in _chunks)
        {
            sum += ScanAndDispatch(chunk);
        }

        return sum;
    }

    [Benchmark]
    public long ParseTelnetOperator()
    {
        var observer = new SummingObserver();
        using (_source.ParseTelnet().Subscribe(observer))
        {
            return observer.Checksum;
        }
    }

    /// <summary>
    /// Finds each IAC with one 32-byte compare per step and skips the sequence by the byte after it, summing run
    /// lengths; ignores the last few bytes of the chunk instead of carrying state. Same answer as the parser only in
    /// the aggregate: it exists to time the scan-and-dispatch part alone.
    /// </summary>
    private static long ScanAndDispatch(byte[] input)
    {
        const byte Iac = 255;
        ref var start = ref MemoryMarshal.GetArrayDataReference(input);
        var iac = Vector256.Create(Iac);
        var n = input.Length - Vector256<byte>.Count - 3;
        long sum = 0;
        var i = 0;
        while (i < n)
        {
            var mask = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), iac).ExtractMostSignificantBits();
            if (mask == 0)
            {
                sum += Vector256<byte>.Count;
                i += Vector256<byte>.Count;
                continue;
            }

            var p = i + BitOperations.TrailingZeroCount(mask);
            sum += p - i;
            var c = input[p + 1];
            if (c == Iac)
            {
                sum++;
                i = p + 2;
            }
            else if (c >= (byte)TelnetVerb.Will)
            {
                sum += input[p + 2];
                i = p + 3;
            }
            else if (c == (byte)TelnetVerb.Sb)
            {
                var end = input.AsSpan(p + 3).IndexOf(Iac);
                if (end < 0)
                {
                    break;
                }

                sum += end;
                i = p + 3 + end + 2;
            }
            else
            {
                i = p + 2;
            }
        }

        return sum;
    }

    /// <summary>Copies cooked runs into a chunk-sized sink, which the consumer empties after every chunk.</summary>
    private struct CopyingHandler(byte[] sink) : ITelnetParserHandler
    {
        private readonly byte[] _sink = sink;
        private int _length;
        private long _delivered;
        private long _commands;

        public readonly long Checksum => _delivered + _commands + _sink[0];

        public void Flush()
        {
            _delivered += _length;
            _length = 0;
        }

        public void OnData(ReadOnlySpan<byte> data, int inputOffset)
        {
            data.CopyTo(_sink.AsSpan(_length));
            _length += data.Length;
        }

        public void OnCommand(TelnetVerb verb) => _commands += (int)verb;

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => _commands += (int)verb + (int)option;

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => _commands += (int)option + payload.Length;

        public void OnWarning(TelnetWarning warning) => _commands -= 1_000_000;
    }

    /// <summary>Keeps the cooked runs as slices: only sums their lengths.</summary>
    private struct SummingHandler : ITelnetParserHandler
    {
        private long _delivered;
        private long _commands;

        public readonly long Checksum => _delivered + _commands;

        public void OnData(ReadOnlySpan<byte> data, int inputOffset) => _delivered += data.Length;

        public void OnCommand(TelnetVerb verb) => _commands += (int)verb;

        public void OnNegotiation(TelnetVerb verb, TelnetOption option) => _commands += (int)verb + (int)option;

        public void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => _commands += (int)option + payload.Length;

        public void OnWarning(TelnetWarning warning) => _commands -= 1_000_000;
    }

    /// <summary>A cheap observer: sums data lengths and counts other events.</summary>
    private sealed class SummingObserver : IObserver<TelnetEvent>
    {
        private long _delivered;
        private long _events;

        public long Checksum => _delivered + _events;

        public void OnNext(TelnetEvent value)
        {
            if (value.IsData)
            {
                _delivered += value.Data.Length;
            }
            else
            {
                _events++;
            }
        }

        public void OnError(Exception error) => throw new InvalidOperationException("The benchmark source never fails.", error);

        public void OnCompleted()
        {
        }
    }
}
