namespace RxTelnet.IntegrationTests.Peers;

using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;

[TestFixture]
[Category("Peers")]
public sealed class MudAndSerialPeerTests
{
    [Test]
    public async Task Chatd_Mccp2Accepted_TalksThroughTheCompressedStream()
    {
        // telnet-chatd is fragile between clients (it restarts within a second); retry a refused connect.
        TelnetSession? session = null;
        for (var attempt = 0; session is null; attempt++)
        {
            try
            {
                session = await Peer.ConnectAsync("CHATD", new TelnetSessionOptions
                {
                    Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2, TelnetOption.Echo),
                });
            }
            catch (System.Net.Sockets.SocketException) when (attempt < 10)
            {
                await Task.Delay(300);
            }
        }

        await using var _ = session;
        var raw = 0L;
        session.RawReceived.Subscribe(b => Interlocked.Add(ref raw, b.Length));

        await session.UntilAsync("Enter name: ");
        await session.WriteTextAsync("tester\n");
        await session.UntilAsync("Welcome, tester!");
        // telnet-chatd breaks lines at 256 characters: send 8 lines of 200 repeated characters instead.
        var line = new string('x', 200);
        var echoed = string.Empty;
        for (var i = 0; i < 8; i++)
        {
            await session.WriteTextAsync($"{line}\n");
            echoed = await session.UntilAsync($"tester: {line}\r\n");
        }

        var compressing = session.IsRemoteEnabled(TelnetOption.Compress2);
        await session.WriteTextAsync("quit\n");
        try
        {
            await session.ReadAllAsync().WaitAsync(Peer.Timeout);
        }
        catch (IOException)
        {
            // telnet-chatd can close with bytes of ours still unread, which the kernel turns into a reset: the end
            // of the talk either way, and what this test checks arrived before it.
        }

        Assert.That(compressing, Is.True, "COMPRESS2 agreed while talking");
        Assert.That(echoed, Does.EndWith($"tester: {line}\r\n"));
        Assert.That(Interlocked.Read(ref raw), Is.LessThan(1000), "1,600 repeated characters (and more) arrived in fewer bytes: compressed");
    }

    [Test]
    public async Task TinyMux_MudOptions_LogsInAndThinks()
    {
        await using var session = await Peer.ConnectAsync("TINYMUX", new TelnetSessionOptions
        {
            Policy = TelnetOptionPolicy.RefuseAll
                .Allow(TelnetOption.EndOfRecord, TelnetOption.SuppressGoAhead)
                .AllowLocal(TelnetOption.TerminalType, TelnetOption.Naws),
            TerminalTypes = ["RXTELNET"],
            WindowSizes = Observable.Return(new WindowSize(100, 40)),
        });

        await session.UntilAsync("Welcome to TinyMUX");
        await session.WriteTextAsync("connect wizard potrzebie\n");
        await session.UntilAsync("Last connect");
        await session.WriteTextAsync("think hello from rxtelnet\n");
        await session.UntilAsync("hello from rxtelnet\r\n");
        await session.WriteTextAsync("QUIT\n");
        var bye = Encoding.ASCII.GetString(await session.ReadAllAsync().WaitAsync(Peer.Timeout));

        Assert.That(bye, Does.Contain("Disconnected"));
        Assert.That(session.IsLocalEnabled(TelnetOption.TerminalType) && session.IsLocalEnabled(TelnetOption.Naws), Is.True);
        Assert.That(session.IsRemoteEnabled(TelnetOption.EndOfRecord), Is.True, "TinyMUX offered WILL EOR and we accepted");
    }

    [Test]
    public async Task Ser2net_ComPort_SetsBaudRateAndLogsIn()
    {
        await using var session = await Peer.ConnectAsync("SER2NET", new TelnetSessionOptions
        {
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.ComPortOption).Allow(TelnetOption.SuppressGoAhead),
        });
        var replies = session.ComPortMessages.Replay();
        using var connection = replies.Connect();

        await session.UntilAsync("login: ");
        Assert.That(session.IsLocalEnabled(TelnetOption.ComPortOption), Is.True, "ser2net asked DO COM-PORT-OPTION and we agreed");
        await session.SendComPortAsync(new ComPortMessage(ComPortCommand.SetBaudRate, false, 9600, null));
        var reply = await replies.FirstAsync(m => m.Command == ComPortCommand.SetBaudRate).ToTask().WaitAsync(Peer.Timeout);

        Assert.That(reply.FromServer, Is.True);
        Assert.That(reply.BaudRate, Is.EqualTo(9600u), "ser2net answers SET-BAUDRATE with the rate it set");

        await session.WriteTextAsync("tester\n");
        await session.UntilAsync("Password: ");
        await session.WriteTextAsync("secret\n");
        await session.UntilAsync("$ ");
        Assert.That(await session.RunAsync("echo over serial"), Is.EqualTo("over serial"));
        await session.ExitAsync();
    }
}
