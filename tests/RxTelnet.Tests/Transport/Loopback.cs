namespace RxTelnet.Tests.Transport;

using System.Net;
using System.Net.Sockets;

/// <summary>Connected TCP socket pairs over the loopback interface, for the transport tests that need a real socket.</summary>
internal static class Loopback
{
    /// <summary>How long any loopback step may take before the test gives up: generous, only a guard against hangs.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    /// <summary>Connects two sockets to each other; the caller disposes both.</summary>
    /// <returns>The connecting end and the accepted end.</returns>
    public static async Task<(Socket Client, Socket Server)> ConnectPairAsync()
    {
        using var listener = Listen();
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var accept = listener.AcceptAsync();
        await client.ConnectAsync(listener.LocalEndPoint!);
        var server = await accept.WaitAsync(Patience);
        return (client, server);
    }

    /// <summary>Starts a listener on 127.0.0.1 and a free port; the caller disposes it.</summary>
    /// <returns>The listening socket.</returns>
    public static Socket Listen()
    {
        var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(8);
        return listener;
    }

    /// <summary>Gets the port a listener is bound to.</summary>
    /// <param name="listener">The listener.</param>
    /// <returns>The port.</returns>
    public static int PortOf(Socket listener) => ((IPEndPoint)listener.LocalEndPoint!).Port;

    /// <summary>Reads until the peer's end of stream (or its reset), returning how many bytes came before it.</summary>
    /// <param name="socket">The socket to drain.</param>
    /// <returns>The byte count.</returns>
    /// <exception cref="OperationCanceledException">The peer neither closed nor reset within <see cref="Patience"/>: it kept the connection open.</exception>
    public static async Task<int> DrainUntilClosedAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[4096];
        var total = 0;
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return total;
            }

            if (n == 0)
            {
                return total;
            }

            total += n;
        }
    }
}
