namespace RxTelnet.IntegrationTests;

using System.Net;
using System.Net.Sockets;

/// <summary>A TCP relay that forwards both directions and records every byte.</summary>
internal sealed class Relay : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly MemoryStream _toClient = new();
    private readonly MemoryStream _toServer = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private Relay(Socket listener) => _listener = listener;

    public int Port => ((IPEndPoint)_listener.LocalEndPoint!).Port;

    public byte[] ToClient
    {
        get
        {
            lock (_toClient)
            {
                return _toClient.ToArray();
            }
        }
    }

    public byte[] ToServer
    {
        get
        {
            lock (_toServer)
            {
                return _toServer.ToArray();
            }
        }
    }

    public static Task<Relay> StartAsync(IPEndPoint target)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var relay = new Relay(listener);
        relay._run = relay.RunAsync(target);
        return Task.FromResult(relay);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Dispose();
        try
        {
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private static async Task PumpAsync(Socket from, Socket to, MemoryStream record, CancellationToken token)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
            {
                lock (record)
                {
                    record.Write(buffer, 0, n);
                }

                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }

    private async Task RunAsync(IPEndPoint target)
    {
        using var client = await _listener.AcceptAsync(_stop.Token);
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await server.ConnectAsync(target, _stop.Token);
        await Task.WhenAll(
            PumpAsync(client, server, _toServer, _stop.Token),
            PumpAsync(server, client, _toClient, _stop.Token));
    }
}
