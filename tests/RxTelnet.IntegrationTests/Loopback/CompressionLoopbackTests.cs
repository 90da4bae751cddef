namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>MCCP2 and MCCP3 both ways at once between a listener's session and a client, over real sockets.</summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class CompressionLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Test]
    public async Task Mccp2AndMccp3_BothWays_EchoServerReturnsEveryLineIntact()
    {
        var serverOptions = new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Compress2, TelnetOption.Compress3) };
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), serverOptions);
        long serverSent = 0;
        listener.Sessions.Subscribe(session =>
        {
            session.RawSent.Subscribe(b => Interlocked.Add(ref serverSent, b.Length));
            _ = EchoAsync(session);
        });

        static async Task EchoAsync(TelnetSession session)
        {
            using (session)
            {
                await Task.WhenAll(session.RequestLocalAsync(TelnetOption.Compress2, true), session.RequestLocalAsync(TelnetOption.Compress3, true));
                await session.WriteTextAsync("ready\r\n");
                while (true)
                {
                    var line = await session.ReadUntilAsync("\n"u8.ToArray(), Timeout);
                    if (line.Length == 0 || Encoding.ASCII.GetString(line) == "bye\n")
                    {
                        return;
                    }

                    await session.WriteAsync(line);
                }
            }
        }

        var clientOptions = new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2, TelnetOption.Compress3) };
        await using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, clientOptions, Timeout);
        long clientSent = 0;
        client.RawSent.Subscribe(b => Interlocked.Add(ref clientSent, b.Length));
        Assert.That(Encoding.ASCII.GetString(await client.ReadUntilAsync("\r\n"u8.ToArray(), Timeout)), Is.EqualTo("ready\r\n"));
        Assert.That(client.IsRemoteEnabled(TelnetOption.Compress2) && client.IsRemoteEnabled(TelnetOption.Compress3), Is.True);

        var random = new Random(7);
        long plain = 0;
        for (var i = 0; i < 200; i++)
        {
            var line = $"{i}: " + string.Concat(Enumerable.Range(0, random.Next(1, 60)).Select(_ => "status ok ")) + "\xff\n";
            var bytes = Encoding.Latin1.GetBytes(line);
            plain += bytes.Length;
            await client.WriteAsync(bytes);
            var echoed = await client.ReadUntilAsync("\n"u8.ToArray(), Timeout);
            Assert.That(Encoding.Latin1.GetString(echoed), Is.EqualTo(line), $"line {i}");
        }

        await client.WriteTextAsync("bye\n");
        Assert.That(Interlocked.Read(ref clientSent), Is.LessThan(plain / 2), "the client's lines went out compressed");
        Assert.That(Interlocked.Read(ref serverSent), Is.LessThan(plain / 2), "the server's echoes went out compressed");
    }
}
