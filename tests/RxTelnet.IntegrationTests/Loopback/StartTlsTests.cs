namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Authentication;
using System.Text;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

/// <summary>
/// START-TLS over real loopback sockets: a plain Telnet connection upgraded to TLS in place, between our client and
/// our listener, through a relay that records what actually crossed the wire.
/// </summary>
[TestFixture]
public sealed class StartTlsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static StartTlsOptions TrustingClient() => StartTlsOptions.Client(
        "localhost",
        (_, cert, _, _) => cert is not null && cert.GetCertHashString() == TestCertificate.Value.GetCertHashString());

    private static TelnetListener StartServer(StartTlsOptions? tls)
    {
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), new TelnetSessionOptions { StartTls = tls });
        listener.Sessions.Subscribe(session => _ = ServeAsync(session));
        return listener;
    }

    private static async Task ServeAsync(TelnetSession session)
    {
        using (session)
        {
            try
            {
                await session.WriteTextAsync("plain banner\n");
                var secured = session.Options.StartTls is not null && await session.StartTlsAsync();
                await session.WriteTextAsync(secured ? "secret prompt\n$ " : "still plain\n$ ");
                var line = await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
                await session.WriteRawAsync((byte[])[.. "echo: "u8, .. line]);
            }
            catch (Exception ex) when (ex is TelnetException or AuthenticationException or IOException)
            {
                // The rejection test's client hangs up during the handshake.
            }
        }
    }

    [Test]
    public async Task StartTls_ClientAndListener_UpgradeInPlaceAndNothingAfterTheSwitchCrossesTheWireInPlainText()
    {
        using var listener = StartServer(StartTlsOptions.Server(TestCertificate.Value));
        await using var relay = await Relay.StartAsync(listener.LocalEndPoint);
        await using var session = new TelnetSession(
            await SocketTransport.ConnectAsync("127.0.0.1", relay.Port, Timeout),
            new TelnetSessionOptions { StartTls = TrustingClient() });

        // Subscribe before the session starts: the upgrade can complete before the next line runs.
        var secure = session.Secure.Replay();
        using var connection = secure.Connect();
        session.Start();

        var banner = await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
        var prompt = await session.ReadUntilAsync("$ "u8.ToArray(), Timeout);
        await session.WriteTextAsync("classified\n");
        var echo = await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);

        Assert.That(Encoding.ASCII.GetString(banner), Is.EqualTo("plain banner\r\n"));
        Assert.That(Encoding.ASCII.GetString(prompt), Is.EqualTo("secret prompt\r\n$ "), "the server saw START-TLS succeed");
        Assert.That(Encoding.ASCII.GetString(echo), Is.EqualTo("echo: classified\r\n"));
        Assert.That(session.IsSecure, Is.True);
        Assert.That(((ITlsUpgradableTransport)session.Transport).IsSecure, Is.True);
        Assert.That(await secure.Take(2).ToArray(), Is.EqualTo(new[] { false, true }));

        var toClient = Encoding.Latin1.GetString(relay.ToClient);
        var toServer = Encoding.Latin1.GetString(relay.ToServer);
        Assert.That(toClient, Does.StartWith("plain banner\r\n\xFF\xFD\x2E"), "banner and DO START_TLS in plain text");
        Assert.That(toClient, Does.Contain("\xFF\xFA\x2E\x01\xFF\xF0"), "the server's FOLLOWS");
        Assert.That(toServer, Does.Contain("\xFF\xFB\x2E"), "WILL START_TLS");
        Assert.That(toServer, Does.Contain("\xFF\xFA\x2E\x01\xFF\xF0\x16\x03"), "the client's FOLLOWS, then at once a TLS handshake record");
        Assert.That(toClient, Does.Not.Contain("secret"), "nothing after the switch is readable on the wire");
        Assert.That(toServer, Does.Not.Contain("classified"));
        Assert.That(toClient, Does.Not.Contain("echo"));
    }

    [Test]
    public async Task StartTls_BulkDataAfterTheSwitch_ArrivesWholeThroughTlsAndBackpressure()
    {
        const int Lines = 64 * 1024;
        var line = Encoding.ASCII.GetBytes(new string('x', 62) + "\r\n");
        using var listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions { StartTls = StartTlsOptions.Server(TestCertificate.Value) });
        listener.Sessions.Subscribe(session => _ = FloodAsync(session));
        await using var session = new TelnetSession(
            await SocketTransport.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, Timeout),
            new TelnetSessionOptions { StartTls = TrustingClient() }).Start();

        var received = 0L;
        var piledUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var counting = session.Data.Subscribe(d =>
        {
            if (Interlocked.Add(ref received, d.Length) >= 256 * 1024)
            {
                piledUp.TrySetResult();
            }
        });
        Assert.That(await session.StartTlsAsync().WaitAsync(Timeout), Is.True);

        // Read nothing until 256 KiB are queued: the session must pause the (TLS) socket, then resume as we read.
        await piledUp.Task.WaitAsync(Timeout);
        var total = 0L;
        for (var i = 0; i < Lines; i++)
        {
            var chunk = await session.ReadUntilAsync(line, Timeout);
            Assert.That(chunk, Is.EqualTo(line), $"line {i} arrived whole and alone");
            total += chunk.Length;
        }

        Assert.That(total, Is.EqualTo((long)Lines * line.Length), "4 MiB over TLS, nothing lost or reordered");
        Assert.That(session.IsSecure, Is.True);

        async Task FloodAsync(TelnetSession served)
        {
            using (served)
            {
                try
                {
                    if (!await served.StartTlsAsync())
                    {
                        return;
                    }

                    for (var i = 0; i < Lines; i += 1024)
                    {
                        await served.WriteRawAsync(Enumerable.Repeat(line, 1024).SelectMany(static l => l).ToArray());
                    }

                    await served.ReadAllAsync();
                }
                catch (Exception ex) when (ex is TelnetException or IOException)
                {
                }
            }
        }
    }

    [Test]
    public async Task StartTls_DefaultCertificateRules_RejectSelfSignedAndCloseTheSession()
    {
        using var listener = StartServer(StartTlsOptions.Server(TestCertificate.Value));
        await using var session = new TelnetSession(
            await SocketTransport.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, Timeout),
            new TelnetSessionOptions { StartTls = StartTlsOptions.Client("localhost") }).Start();

        await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
        var closed = session.State.LastAsync().ToTask();

        Assert.ThrowsAsync<AuthenticationException>(() => session.StartTlsAsync().WaitAsync(Timeout));
        var state = await closed.WaitAsync(Timeout);
        Assert.That(state.Reason, Is.EqualTo(TelnetCloseReason.TransportError));
        Assert.That(state.Error, Is.InstanceOf<AuthenticationException>());
    }

    [Test]
    public async Task StartTls_ServerWithoutTls_RefusesAndTheSessionGoesOnInPlainText()
    {
        using var listener = StartServer(tls: null);
        await using var session = new TelnetSession(
            await SocketTransport.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, Timeout),
            new TelnetSessionOptions { StartTls = TrustingClient() }).Start();

        await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
        var upgraded = await session.StartTlsAsync().WaitAsync(Timeout);
        var prompt = await session.ReadUntilAsync("$ "u8.ToArray(), Timeout);

        Assert.That(upgraded, Is.False, "the listener answered DONT START_TLS");
        Assert.That(session.IsSecure, Is.False);
        Assert.That(Encoding.ASCII.GetString(prompt), Is.EqualTo("still plain\r\n$ "));
    }

    [Test]
    public async Task StartTls_ServerThatWaitsForTheClientsFollowsFirst_Interoperates()
    {
        // The order TN3270 servers written for x3270 use: DO, then wait for the client's WILL and FOLLOWS, then
        // FOLLOWS and the server handshake. A client that waited for the server's FOLLOWS first would deadlock.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var server = Task.Run(async () =>
        {
            using var socket = await listener.AcceptAsync();
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await stream.WriteAsync(new byte[] { 255, 253, 46 });
            await ReadExactlyAsync(stream, [255, 251, 46, 255, 250, 46, 1, 255, 240]);
            await stream.WriteAsync(new byte[] { 255, 250, 46, 1, 255, 240 });
            await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = TestCertificate.Value });
            await ssl.WriteAsync("hello over tls\r\n"u8.ToArray());
            await ssl.FlushAsync();
            var buffer = new byte[1];
            _ = await ssl.ReadAsync(buffer); // until the client closes
        });

        await using var session = new TelnetSession(
            await SocketTransport.ConnectAsync("127.0.0.1", ((IPEndPoint)listener.LocalEndPoint!).Port, Timeout),
            new TelnetSessionOptions { StartTls = TrustingClient() }).Start();

        Assert.That(await session.StartTlsAsync().WaitAsync(Timeout), Is.True);
        var line = await session.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
        Assert.That(Encoding.ASCII.GetString(line), Is.EqualTo("hello over tls\r\n"));
        session.Close();
        await server.WaitAsync(Timeout);
    }

    [Test]
    public async Task StartTls_ClientThatSaysFollowsWithItsWill_IsServedByTheListener()
    {
        // x3270's order: on DO START_TLS it sends WILL and FOLLOWS together, and starts its handshake on the
        // server's FOLLOWS.
        using var listener = StartServer(StartTlsOptions.Server(TestCertificate.Value));
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(listener.LocalEndPoint);
        await using var stream = new NetworkStream(socket, ownsSocket: false);

        await ReadThroughAsync(stream, [255, 253, 46]);
        await stream.WriteAsync(new byte[] { 255, 251, 46, 255, 250, 46, 1, 255, 240 });
        await ReadThroughAsync(stream, [255, 250, 46, 1, 255, 240]);
        await using var ssl = new SslStream(stream, leaveInnerStreamOpen: true, (_, cert, _, _) => cert?.GetCertHashString() == TestCertificate.Value.GetCertHashString());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }).WaitAsync(Timeout);

        var received = new List<byte>();
        var buffer = new byte[4096];
        while (!Encoding.ASCII.GetString([.. received]).Contains("$ ", StringComparison.Ordinal))
        {
            var n = await ssl.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            Assert.That(n, Is.Positive, "the server went on over TLS");
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        Assert.That(Encoding.ASCII.GetString([.. received]), Does.Contain("secret prompt\r\n$ "), "the listener saw START-TLS succeed");
    }

    /// <summary>Reads until exactly <paramref name="expected"/> has arrived, failing on anything else.</summary>
    private static async Task ReadExactlyAsync(Stream stream, byte[] expected)
    {
        var got = new byte[expected.Length];
        await stream.ReadExactlyAsync(got).AsTask().WaitAsync(Timeout);
        Assert.That(got, Is.EqualTo(expected));
    }

    /// <summary>Reads and drops bytes until <paramref name="marker"/> has gone by.</summary>
    private static async Task ReadThroughAsync(Stream stream, byte[] marker)
    {
        var seen = new List<byte>();
        var one = new byte[1];
        while (seen.Count < marker.Length || !seen.AsEnumerable().Skip(seen.Count - marker.Length).SequenceEqual(marker))
        {
            await stream.ReadExactlyAsync(one).AsTask().WaitAsync(Timeout);
            seen.Add(one[0]);
        }
    }
}
