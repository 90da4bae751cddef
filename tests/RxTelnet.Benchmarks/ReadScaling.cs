namespace RxTelnet.Benchmarks;

using System.Reactive.Subjects;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// <c>ReadUntil</c> and <c>Expect</c> over a buffer that grows to 1 MiB or 64 MiB in 64 KiB chunks before the match
/// arrives at its very end: time for 64 MiB over time for 1 MiB must stay near 64 (linear), where rescanning the whole
/// buffer per chunk (what telnetlib's expect does) would make it about 4,000.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class ReadScaling
{
    private const int Chunk = 64 * 1024;
    private byte[][] _chunks = [];

    [Params(1, 64)]
    public int MiB { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var count = MiB * 1024 * 1024 / Chunk;
        _chunks = new byte[count][];
        for (var c = 0; c < count; c++)
        {
            var chunk = new byte[Chunk];
            for (var i = 0; i < Chunk; i++)
            {
                chunk[i] = (byte)('a' + ((c + i) % 26));
            }

            _chunks[c] = chunk;
        }

        "\r\nrouter# "u8.CopyTo(_chunks[^1].AsSpan(Chunk - 10));
    }

    [Benchmark(Baseline = true)]
    public Task<byte[]> ReadUntil() => Run(session => session.ReadUntilAsync("router# "u8.ToArray()));

    [Benchmark]
    public Task<byte[]> Expect() =>
        Run(async session => (await session.ExpectAsync([new Regex(@"\w+# $")])).Data);

    private async Task<byte[]> Run(Func<TelnetSession, Task<byte[]>> read)
    {
        using var incoming = new Subject<byte[]>();
        await using var session = new TelnetSession(
            new ObservableTransport(incoming),
            new TelnetSessionOptions { MaxBufferedBytes = 128 * 1024 * 1024 }).Start();
        var result = read(session);
        foreach (var chunk in _chunks)
        {
            incoming.OnNext(chunk);
        }

        var data = await result;
        if (data.Length != _chunks.Length * Chunk)
        {
            throw new InvalidOperationException($"read {data.Length} bytes, expected {_chunks.Length * Chunk}");
        }

        return data;
    }
}
