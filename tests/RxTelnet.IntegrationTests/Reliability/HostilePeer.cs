namespace RxTelnet.IntegrationTests.Reliability;

using System.Net;
using System.Net.Sockets;
using System.Text;

/// <summary>
/// A hostile Telnet server on 127.0.0.1 over a real socket: accepts a bounded number of connections, runs a
/// behaviour on each, and stops by itself when its lifetime is over, so that a test whose client hangs still ends.
/// </summary>
internal sealed class HostileServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _life;
    private readonly List<Socket> _sockets = [];
    private readonly List<Task> _peers = [];
    private readonly Task _acceptLoop;

    private HostileServer(Func<Socket, CancellationToken, Task> behaviour, int connections, TimeSpan lifetime, int? receiveBufferSize)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        if (receiveBufferSize is { } size)
        {
            // Set before listening so that accepted sockets start with it (the TCP window scale is fixed at the handshake).
            _listener.Server.ReceiveBufferSize = size;
        }

        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _life = new CancellationTokenSource(lifetime);
        _life.Token.Register(() => CloseAll());
        _acceptLoop = AcceptAsync(behaviour, connections, _life.Token);
    }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port { get; }

    /// <summary>Gets a token that is cancelled when the server stops (lifetime over or disposed).</summary>
    public CancellationToken Stopping => _life.Token;

    /// <summary>Starts a server that runs <paramref name="behaviour"/> on each of up to <paramref name="connections"/> connections.</summary>
    /// <param name="behaviour">What the server does with an accepted socket; the socket is closed when it returns.</param>
    /// <param name="lifetime">When the server stops by itself, closing every socket.</param>
    /// <param name="connections">How many connections it accepts in all.</param>
    /// <param name="receiveBufferSize">The accepted sockets' receive buffer, small for a peer whose window should close soon; the system's default when null.</param>
    /// <returns>The running server.</returns>
    public static HostileServer Start(Func<Socket, CancellationToken, Task> behaviour, TimeSpan lifetime, int connections = 1, int? receiveBufferSize = null) =>
        new(behaviour, connections, lifetime, receiveBufferSize);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _life.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }

        CloseAll();
        Task[] all;
        lock (_sockets)
        {
            all = [.. _peers, _acceptLoop];
        }

        try
        {
            // Each behaviour ends when its socket closes or its token is cancelled; a short grace covers a loaded machine.
            await Task.WhenAll(all).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A behaviour's own failure is seen through what the test asserts, not here.
        }

        foreach (var task in all)
        {
            _ = task.Exception; // observed: no unobserved-task report from a peer's socket error
        }

        _life.Dispose();
    }

    private void CloseAll()
    {
        try
        {
            _listener.Stop();
        }
        catch (SocketException)
        {
        }

        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }
    }

    private async Task AcceptAsync(Func<Socket, CancellationToken, Task> behaviour, int connections, CancellationToken token)
    {
        for (var i = 0; i < connections; i++)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(token).ConfigureAwait(false);
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            lock (_sockets)
            {
                if (token.IsCancellationRequested)
                {
                    socket.Dispose();
                    return;
                }

                _sockets.Add(socket);
                _peers.Add(Task.Run(() => RunAsync(behaviour, socket, token), CancellationToken.None));
            }
        }
    }

    private static async Task RunAsync(Func<Socket, CancellationToken, Task> behaviour, Socket socket, CancellationToken token)
    {
        try
        {
            await behaviour(socket, token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException or IOException)
        {
            // The client went away or the server's lifetime ended: what a hostile peer expects.
        }
        finally
        {
            socket.Dispose();
        }
    }
}

/// <summary>What a flooding peer did: bytes written and read, and whether it stopped to protect the test process.</summary>
internal sealed class FloodStats
{
    private long _sent;
    private long _received;
    private int _valveTripped;

    public long Sent => Interlocked.Read(ref _sent);

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Gets whether the flood stopped because the test process's memory grew past <see cref="MemoryValve.Limit"/>.</summary>
    public bool StoppedByMemoryValve => Volatile.Read(ref _valveTripped) != 0;

    public void AddSent(long n) => Interlocked.Add(ref _sent, n);

    public void AddReceived(long n) => Interlocked.Add(ref _received, n);

    public void TripValve() => Volatile.Write(ref _valveTripped, 1);

    public override string ToString() => $"peer sent {Sent:N0} B, read {Received:N0} B{(StoppedByMemoryValve ? ", STOPPED BY THE MEMORY VALVE" : string.Empty)}";
}

/// <summary>
/// Stops a flooding peer once the test process has grown by <see cref="Limit"/>: a regression then fails the
/// test's memory assertion instead of exhausting the machine. The peer runs in-process, so it can see the growth.
/// </summary>
internal sealed class MemoryValve
{
    public const long Limit = 384L * 1024 * 1024;

    private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: false);

    public bool IsOpen => GC.GetTotalMemory(forceFullCollection: false) - _baseline < Limit;
}

/// <summary>What hostile peers send and how they read.</summary>
internal static class Hostile
{
    /// <summary>IAC DO 1, IAC DONT 1, IAC WILL 3, IAC WONT 3, IAC DO 99, IAC WILL 99: the negotiation flood.</summary>
    public static readonly byte[] NegotiationRound =
        [255, 253, 1, 255, 254, 1, 255, 251, 3, 255, 252, 3, 255, 253, 99, 255, 251, 99];

    /// <summary>The reply bytes a default (RFC 1143) session owes one <see cref="NegotiationRound"/> at most: WONT 1, DONT 3, WONT 99, DONT 99.</summary>
    public const int MaxReplyBytesPerRound = 12;

    /// <summary>Makes a block of about <paramref name="size"/> bytes made of whole repetitions of <paramref name="pattern"/>.</summary>
    public static byte[] Block(ReadOnlySpan<byte> pattern, int size = 64 * 1024)
    {
        var block = new byte[size / pattern.Length * pattern.Length];
        for (var i = 0; i < block.Length; i += pattern.Length)
        {
            pattern.CopyTo(block.AsSpan(i));
        }

        return block;
    }

    /// <summary>
    /// Sends <paramref name="block"/> again and again, without pause, until <paramref name="maxBytes"/> are sent, the
    /// token is cancelled, the connection fails or the process grew past the memory valve. Between two blocks it sends
    /// what <paramref name="interject"/> returns, if anything.
    /// </summary>
    public static async Task FloodAsync(
        Socket socket, byte[] block, FloodStats stats, CancellationToken token, long maxBytes = long.MaxValue, Func<byte[]?>? interject = null)
    {
        var valve = new MemoryValve();
        while (stats.Sent < maxBytes && !token.IsCancellationRequested)
        {
            if (!valve.IsOpen)
            {
                stats.TripValve();
                return;
            }

            if (interject?.Invoke() is { } extra)
            {
                stats.AddSent(await SendAllAsync(socket, extra, token).ConfigureAwait(false));
            }

            stats.AddSent(await SendAllAsync(socket, block, token).ConfigureAwait(false));
        }
    }

    /// <summary>Reads and discards until end of stream, counting the bytes and showing each chunk to <paramref name="onData"/>.</summary>
    public static async Task DrainAsync(Socket socket, FloodStats stats, CancellationToken token, Action<ReadOnlyMemory<byte>>? onData = null)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            stats.AddReceived(n);
            onData?.Invoke(buffer.AsMemory(0, n));
        }
    }

    /// <summary>Reads until <paramref name="marker"/> has arrived (or end of stream); returns everything read.</summary>
    public static async Task<string> ReadUntilAsync(Socket socket, string marker, CancellationToken token)
    {
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, token).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            seen.Append(Encoding.Latin1.GetString(buffer, 0, n));
        }

        return seen.ToString();
    }

    private static async Task<int> SendAllAsync(Socket socket, byte[] data, CancellationToken token)
    {
        var sent = 0;
        while (sent < data.Length)
        {
            sent += await socket.SendAsync(data.AsMemory(sent), SocketFlags.None, token).ConfigureAwait(false);
        }

        return sent;
    }
}

/// <summary>Finds an ASCII marker in a byte stream that arrives in pieces.</summary>
internal sealed class MarkerWatch(string marker)
{
    private readonly byte[] _marker = Encoding.ASCII.GetBytes(marker);
    private readonly List<byte> _tail = [];
    private int _found;

    public bool Found => Volatile.Read(ref _found) != 0;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (Found)
        {
            return;
        }

        _tail.AddRange(chunk);
        if (_tail.ToArray().AsSpan().IndexOf(_marker) >= 0)
        {
            Volatile.Write(ref _found, 1);
            return;
        }

        if (_tail.Count > _marker.Length)
        {
            _tail.RemoveRange(0, _tail.Count - (_marker.Length - 1));
        }
    }
}

/// <summary>
/// The last line of defence while hostile-peer tests run: if the test process grows past <see cref="Limit"/> (a
/// regression that queues without bound, on a background path no test waits for), it is stopped at once, so that it
/// fails the run instead of exhausting a shared machine.
/// </summary>
internal static class MemoryFuse
{
    public const long Limit = 4L * 1024 * 1024 * 1024;

    private static Timer? _timer;

    public static void Arm() =>
        _timer ??= new Timer(
            static _ =>
            {
                var heap = GC.GetTotalMemory(forceFullCollection: false);
                var workingSet = Environment.WorkingSet;
                if (heap > Limit || workingSet > Limit)
                {
                    Environment.FailFast($"Hostile-peer tests: the test process grew to {heap:N0} B of managed heap, {workingSet:N0} B working set, past {Limit:N0} B; stopped before it exhausts the machine.");
                }
            },
            null,
            TimeSpan.Zero,
            TimeSpan.FromMilliseconds(100));

    public static void Disarm()
    {
        _timer?.Dispose();
        _timer = null;
    }
}
