namespace RxTelnet.Benchmarks;

using System.Buffers;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// End to end over loopback TCP: a sender pushes 256 MiB of text with a <c>$ </c> prompt ending every 4 KiB; a
/// <see cref="TelnetSession"/> reads it prompt by prompt with <c>ReadUntil</c>, against a raw socket reader
/// (1 MiB buffer) reading the same bytes from the same sender, as the baseline.
/// </summary>
[MemoryDiagnoser]
// 15 iterations: on a shared 2-core machine single runs of either reader vary by tens of percent.
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 15)]
public class SessionThroughput
{
    private const int Total = 256 * 1024 * 1024;
    private const int Block = 4096;
    private static readonly byte[] Prompt = "$ "u8.ToArray();
    private byte[] _block = [];
    private Socket? _listener;

    [GlobalSetup]
    public void Setup()
    {
        // One 4 KiB block: printable lines, ending with the prompt.
        _block = new byte[Block];
        for (var i = 0; i < Block - 2; i++)
        {
            _block[i] = (i % 80) == 78 ? (byte)'\r' : (i % 80) == 79 ? (byte)'\n' : (byte)('a' + (i % 26));
        }

        Prompt.CopyTo(_block, Block - 2);
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(4);
    }

    [GlobalCleanup]
    public void Cleanup() => _listener?.Dispose();

    [Benchmark(Baseline = true, Description = "raw socket reader")]
    public async Task<long> RawSocket()
    {
        var (client, sender) = await ConnectAsync();
        using (client)
        {
            var buffer = new byte[1024 * 1024];
            long read = 0;
            while (read < Total)
            {
                var n = await client.ReceiveAsync(buffer, SocketFlags.None);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            await sender;
            return read;
        }
    }

    [Benchmark(Description = "TelnetSession ReadUntil per prompt")]
    public async Task<long> SessionReadUntil()
    {
        var (client, sender) = await ConnectAsync();
        // Default options: when the reader falls behind, the session pauses the socket at half of MaxBufferedBytes.
        await using var session = new TelnetSession(new SocketTransport(client)).Start();
        long read = 0;
        while (read < Total)
        {
            read += (await session.ReadUntilAsync(Prompt)).Length;
        }

        await sender;
        return read;
    }

    [Benchmark(Description = "TelnetSession ReadUntil per prompt into a reused writer")]
    public async Task<long> SessionReadUntilInto()
    {
        var (client, sender) = await ConnectAsync();
        await using var session = new TelnetSession(new SocketTransport(client)).Start();
        var writer = new ArrayBufferWriter<byte>(2 * Block);
        long read = 0;
        while (read < Total)
        {
            writer.ResetWrittenCount();
            read += await session.ReadUntilAsync(Prompt, writer);
        }

        await sender;
        return read;
    }

    private async Task<(Socket Client, Task Sender)> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var accept = _listener!.AcceptAsync();
        await client.ConnectAsync((IPEndPoint)_listener.LocalEndPoint!);
        var server = await accept;
        return (client, Task.Run(() => SendAll(server)));
    }

    private void SendAll(Socket server)
    {
        using (server)
        {
            // 64 KiB writes of whole blocks, like a server flushing its output.
            var chunk = new byte[16 * Block];
            for (var i = 0; i < 16; i++)
            {
                _block.CopyTo(chunk, i * Block);
            }

            for (var sent = 0; sent < Total; sent += chunk.Length)
            {
                server.Send(chunk);
            }

            server.Shutdown(SocketShutdown.Send);
        }
    }
}
