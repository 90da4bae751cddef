namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Net.Sockets;
using RxTelnet.Compat;

/// <summary>The facade's <c>Close</c> racing an <c>Open</c> that is still connecting, over a real socket.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class FacadeOpenCloseTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task Close_WhileOpenIsConnecting_TheConnectionDoesNotComeAliveAfterIt()
    {
        // A listener whose backlog is full holds further connects in SYN-SENT until it accepts.
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        server.Listen(0);
        var port = ((IPEndPoint)server.LocalEndPoint!).Port;
        var fillers = new List<Socket>();
        try
        {
            var full = false;
            using var telnet = new Telnet();
            for (var i = 0; i < 4 && !full; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                fillers.Add(filler);
                var connect = filler.ConnectAsync(IPAddress.Loopback, port);
                if (await Task.WhenAny(connect, Task.Delay(300)) != connect)
                {
                    full = true;
                }
            }

            Assume.That(full, Is.True, "the loopback stack holds connects to a full backlog");
            var open = telnet.OpenAsync("127.0.0.1", port, Timeout);
            await Task.Delay(100);
            Assume.That(open.IsCompleted, Is.False, "the open is still connecting");

            telnet.Close();
            var served = new List<Socket>();
            while (!open.IsCompleted)
            {
                // Let every connect through: the facade's own completes once the backlog has room again.
                using var accept = new CancellationTokenSource(Timeout);
                var acceptTask = server.AcceptAsync(accept.Token).AsTask();
                if (await Task.WhenAny(acceptTask, open) == acceptTask)
                {
                    served.Add(await acceptTask);
                }
            }

            var error = Assert.ThrowsAsync<TelnetClosedException>(() => open);
            Assert.That(error!.Message, Does.Contain($"127.0.0.1:{port}"));
            Assert.That(telnet.GetSocket(), Is.Null);
            Assert.That(telnet.Eof, Is.True);
            foreach (var socket in served)
            {
                socket.Dispose();
            }
        }
        finally
        {
            foreach (var filler in fillers)
            {
                filler.Dispose();
            }
        }
    }
}
