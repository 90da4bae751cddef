namespace RxTelnet.Benchmarks;

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using RxTelnet.Session;

/// <summary>
/// Many idle sessions in one <see cref="TelnetListener"/>: client processes open plain TCP connections over loopback
/// from several 127.0.0.x source addresses, each server session writes a greeting, and each client waits for it.
/// Reports the server's managed heap and working set per session once every client was greeted, and the time from the
/// first connect to the last greeting.
/// </summary>
/// <remarks>
/// The clients run in child processes (<c>--scale-clients</c>) so their sockets and heap are not counted with the
/// server's, and because one process may open only as many files as its limit allows (<c>ulimit -n</c>): the server
/// needs one descriptor per session, so the session count is bounded by the server process's limit.
/// </remarks>
public static class Scale
{
    private static readonly byte[] Greeting = "Welcome to rxtelnet\r\n"u8.ToArray();

    /// <summary>Runs the server side with <paramref name="sessions"/> clients, <paramref name="perProcess"/> per client process.</summary>
    /// <param name="sessions">How many connections.</param>
    /// <param name="perProcess">How many connections one client process opens.</param>
    public static void Run(int sessions, int perProcess)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sessions);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(perProcess);
        var kept = new List<TelnetSession>(sessions);
        var greeted = 0;
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), backlog: 4096, maxSessions: sessions);
        using var subscription = listener.Sessions.Subscribe(session =>
        {
            lock (kept)
            {
                kept.Add(session);
            }

            _ = session.WriteAsync(Greeting).ContinueWith(_ => Interlocked.Increment(ref greeted), TaskScheduler.Default);
        });

        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var setBefore = Environment.WorkingSet;
        var port = listener.LocalEndPoint.Port;
        var clients = new List<Process>();
        var started = Stopwatch.GetTimestamp();
        for (var first = 0; first < sessions; first += perProcess)
        {
            clients.Add(StartClient(port, Math.Min(perProcess, sessions - first), 2 + (first / perProcess)));
        }

        var clientTimes = new List<double>();
        var clientGreeted = 0;
        foreach (var client in clients)
        {
            // Each client prints "greeted <count> <ms>" once every connection it opened has its greeting.
            var line = client.StandardOutput.ReadLine() ?? throw new InvalidOperationException($"a client failed: {client.StandardError.ReadToEnd()}");
            var parts = line.Split(' ');
            clientGreeted += int.Parse(parts[1], CultureInfo.InvariantCulture);
            clientTimes.Add(double.Parse(parts[2], CultureInfo.InvariantCulture));
        }

        var wall = Stopwatch.GetElapsedTime(started);
        var heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        var setAfter = Environment.WorkingSet;
        int open;
        lock (kept)
        {
            open = kept.Count;
        }

        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {sessions:N0} | {clients.Count} | {clientGreeted:N0} | {open:N0} ({Volatile.Read(ref greeted):N0} greetings written) | " +
            $"{(heapAfter - heapBefore) / 1024.0 / 1024.0:N1} MiB | {(heapAfter - heapBefore) / (double)open / 1024.0:N2} KB | " +
            $"{(setAfter - setBefore) / (double)open / 1024.0:N2} KB | {clientTimes.Max() / 1000:N2} s (wall with process start {wall.TotalSeconds:N2} s) |"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average: {File.ReadAllText("/proc/loadavg").Trim()}"));
        GC.KeepAlive(kept);
        foreach (var client in clients)
        {
            client.StandardInput.Close();
            client.WaitForExit();
            client.Dispose();
        }
    }

    /// <summary>The client side: opens <paramref name="count"/> connections from 127.0.0.<paramref name="source"/> and waits for every greeting.</summary>
    /// <param name="port">The listener's port on 127.0.0.1.</param>
    /// <param name="count">How many connections.</param>
    /// <param name="source">The last byte of the source address.</param>
    public static void Client(int port, int count, int source)
    {
        var server = new IPEndPoint(IPAddress.Loopback, port);
        var local = new IPEndPoint(new IPAddress([127, 0, 0, (byte)source]), 0);
        var sockets = new Socket[count];
        var started = Stopwatch.GetTimestamp();
        using var inFlight = new SemaphoreSlim(256);
        var tasks = new Task[count];
        for (var i = 0; i < count; i++)
        {
            var index = i;
            tasks[i] = Task.Run(async () =>
            {
                await inFlight.WaitAsync().ConfigureAwait(false);
                try
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    socket.Bind(local);
                    await socket.ConnectAsync(server).ConfigureAwait(false);
                    sockets[index] = socket;
                    var buffer = new byte[Greeting.Length];
                    var read = 0;
                    while (read < buffer.Length)
                    {
                        var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None).ConfigureAwait(false);
                        if (n == 0)
                        {
                            throw new InvalidOperationException("closed before the greeting");
                        }

                        read += n;
                    }
                }
                finally
                {
                    inFlight.Release();
                }
            });
        }

        Task.WaitAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"greeted {count} {elapsed.TotalMilliseconds:0}"));
        Console.Out.Flush();

        // Hold the connections until the server has measured.
        _ = Console.In.ReadToEnd();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }

    private static Process StartClient(int port, int count, int source)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            info.ArgumentList.Add(typeof(Scale).Assembly.Location);
        }

        foreach (var arg in new[] { "--scale-clients", port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture), source.ToString(CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start a client process");
    }
}
