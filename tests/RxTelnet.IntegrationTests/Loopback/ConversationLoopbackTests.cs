extern alias demo;

namespace RxTelnet.IntegrationTests.Loopback;

using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Protocol;
using RxTelnet.Transport;
using DemoServer = demo::RxTelnet.Samples.Demo.DemoServer;

/// <summary>
/// A conversation over a bare byte stream from a real socket: the transport's chunks, parsed by ParseTelnet, with the
/// sends escaped by the encoder, against the demo server over loopback.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ConversationLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [TestCase("secret", "logged in: RxTelnet demo device, version 0.1.0")]
    [TestCase("wrong", "denied")]
    public async Task LoginOverABareParsedSocketStream_TakesTheBranchThePromptsSay(string password, string expected)
    {
        using var server = new DemoServer();
        using var transport = await SocketTransport.ConnectAsync("127.0.0.1", server.Port, Timeout);

        // Pure Rx: socket chunks -> ParseTelnet -> cooked data. Negotiation is ignored (every request times out
        // on the server side), which a server must live with.
        var cooked = transport.Received.ParseTelnet().Where(static e => e.IsData).Select(static e => e.Data);
        Task Send(ReadOnlyMemory<byte> data, CancellationToken ct) => transport.SendAsync(TelnetEncoder.EscapeData(data.Span), ct).AsTask();

        var result = await cooked.Converse(
                c => from _ in c.ReadUntil("login: ", Timeout)
                     from a in c.Send("demo\r\n")
                     from __ in c.ReadUntil("Password: ", Timeout)
                     from b in c.Send(password + "\r\n")
                     from outcome in c.Expect(
                         Timeout,
                         ExpectCase.On(@"\$ $", r =>
                             from s in c.Send("show version\r\n")
                             from output in c.ReadUntil("\n", Timeout)
                             select "logged in: " + Encoding.ASCII.GetString(output).Trim()),
                         ExpectCase.On("denied", r => Observable.Return("denied")))
                     select outcome,
                TaskPoolScheduler.Default,
                Send,
                Encoding.ASCII)
            .ToTask();

        Assert.That(result, Is.EqualTo(expected));
    }
}
