namespace RxTelnet.Cli.Tests;

using System.Globalization;
using System.Net;
using RxTelnet.Protocol;
using RxTelnet.Samples.Demo;
using RxTelnet.Session;
using RxTelnet.Negotiation;

[TestFixture]
[CancelAfter(60_000)]
public sealed class InteractiveTests : DemoServerFixture
{
    private static readonly TimeSpan RunLimit = TimeSpan.FromSeconds(20);
    [Test]
    public async Task LineMode_LoginShowVersionExit_ShowsOutputAndEndsAtServerEof()
    {
        var terminal = new FakeTerminal();
        var run = Cli.RunAsync(["127.0.0.1", Port], terminal);

        await LogInAsync(terminal);
        var mark = terminal.Output.Length;
        terminal.Lines.WriteLine("show version");
        await terminal.Output.WaitForAsync("$ ", mark);
        terminal.Lines.WriteLine("exit");
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.Output.Text, Does.Contain("RxTelnet demo device, version 0.1.0\r\n$ "));
            Assert.That(terminal.Output.Text, Does.EndWith("bye\r\n"));
            Assert.That(terminal.Errors.Text, Does.Contain($"Connected to 127.0.0.1:{Port}."));
            Assert.That(terminal.Errors.Text, Does.Contain("Escape character is '^]'."));
            Assert.That(terminal.Errors.Text, Does.Contain("Connection closed by foreign host."));
        });
    }

    [Test]
    public async Task LineMode_EscapeStatus_PrintsStateAndOptions()
    {
        var terminal = new FakeTerminal();
        var run = Cli.RunAsync(["127.0.0.1", Port], terminal);
        await LogInAsync(terminal);

        var mark = terminal.Output.Length;
        terminal.Lines.WriteLine("\x1d");
        terminal.Lines.WriteLine("status");
        await terminal.Output.WaitForAsync("Escape character is '^]'.", mark);
        var status = terminal.Output.Text[mark..];
        terminal.Lines.WriteLine("continue");
        terminal.Lines.WriteLine("exit");
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(status, Does.StartWith("rxtelnet> "));
            Assert.That(status, Does.Contain($"Connected to 127.0.0.1:{Port}."));
            Assert.That(status, Does.Contain("State: Open"));
            Assert.That(status, Does.Contain("Local options: none"));
            Assert.That(status, Does.Contain("Echo: local"));
            Assert.That(terminal.Output.Text, Does.EndWith("bye\r\n"), "continue went back to the session");
        });
    }

    [Test]
    public async Task LineMode_EscapeClose_ClosesTheConnectionAndEnds()
    {
        var terminal = new FakeTerminal();
        var run = Cli.RunAsync(["127.0.0.1", Port], terminal);
        await terminal.Output.WaitForAsync("login: ");

        terminal.Lines.WriteLine("\x1d");
        terminal.Lines.WriteLine("close");
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.Output.Text, Does.EndWith("rxtelnet> "));
            Assert.That(terminal.Errors.Text, Does.EndWith("Connection closed." + Environment.NewLine));
        });
    }

    [Test]
    public async Task LineMode_EscapeSendCommands_GoOnTheWire()
    {
        var terminal = new FakeTerminal();
        var log = Files.PathOf("trace.log");
        var run = Cli.RunAsync(["127.0.0.1", Port, "--log", log], terminal);
        await terminal.Output.WaitForAsync("login: ");

        terminal.Lines.WriteLine("\x1dsend ayt");
        terminal.Lines.WriteLine("\x1d send brk");
        terminal.Lines.WriteLine("\x1d");
        terminal.Lines.WriteLine("send nop");
        terminal.Lines.WriteLine("bogus");
        terminal.Lines.WriteLine("close");
        var code = await run.WaitAsync(RunLimit);

        var trace = await File.ReadAllTextAsync(log);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.Output.Text, Does.Contain("sent IAC AYT").And.Contain("sent IAC BRK").And.Contain("sent IAC NOP"));
            Assert.That(terminal.Output.Text, Does.Contain("?Invalid command 'bogus'"));
            Assert.That(trace, Does.Contain("> IAC AreYouThere").And.Contain("> IAC Break").And.Contain("> IAC Nop"));
        });
    }

    [Test]
    public async Task LineMode_InputEndsFirst_WaitsForTheServerThenCloses()
    {
        var terminal = new FakeTerminal();
        var run = Cli.RunAsync(["127.0.0.1", Port, "--timeout", "0.5"], terminal);
        await terminal.Output.WaitForAsync("login: ");

        terminal.Lines.End();
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.Errors.Text, Does.Contain("rxtelnet: input ended; connection closed."));
        });
    }

    [Test]
    public async Task KeyMode_NoRemoteEcho_EchoesLocallyAndSendsWholeLines()
    {
        var terminal = new FakeTerminal(keys: true);
        var run = Cli.RunAsync(["127.0.0.1", Port], terminal);
        await terminal.Output.WaitForAsync("login: ");

        terminal.Type("demx\bo\n");
        await terminal.Output.WaitForAsync("Password: ");
        terminal.Type("secret\n");
        await terminal.Output.WaitForAsync("$ ");
        var mark = terminal.Output.Length;
        terminal.Type("\x1d");
        terminal.Type("status\n");
        await terminal.Output.WaitForAsync("Escape character", mark);
        terminal.Type("\n");
        terminal.Type("exit\n");
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.RawModeEntered, Is.EqualTo(1));
            Assert.That(terminal.Output.Text, Does.Contain("login: demx\b \bo" + Environment.NewLine), "typed text echoed locally, backspace erased");
            Assert.That(terminal.Output.Text, Does.Contain("Welcome, demo."), "the server got the edited line");
            Assert.That(terminal.Output.Text, Does.Contain("rxtelnet> status"));
            Assert.That(terminal.Output.Text, Does.EndWith("bye\r\n"));
        });
    }

    [Test]
    public async Task KeyMode_RemoteEcho_SendsEachKeyWithoutLocalEcho()
    {
        // A server that echoes (WILL ECHO), as busybox telnetd does: the client must not echo as well.
        using var listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions { Policy = new TelnetOptionPolicy().AllowLocal(TelnetOption.Echo) });
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var serving = listener.Sessions.Subscribe(session => _ = ServeEchoAsync(session, received));
        var terminal = new FakeTerminal(keys: true);
        var run = Cli.RunAsync(["127.0.0.1", listener.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture)], terminal);
        await terminal.Output.WaitForAsync("> ");

        terminal.Type("ab\n");
        var line = await received.Task.WaitAsync(RunLimit);
        await terminal.Output.WaitForAsync("[ab]");
        terminal.Type("\x1d");
        terminal.Type("close\n");
        var code = await run.WaitAsync(RunLimit);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(line, Is.EqualTo("ab\r\n"));
            Assert.That(terminal.Output.Text, Does.StartWith("> [ab]\r\n" + Environment.NewLine + "rxtelnet> "), "nothing echoed locally");
        });
    }

    private static async Task ServeEchoAsync(TelnetSession session, TaskCompletionSource<string> received)
    {
        using (session)
        {
            try
            {
                // Prompt only once the client agreed, so the first key is already in character mode.
                if (!await session.RequestLocalAsync(TelnetOption.Echo, true).WaitAsync(RunLimit))
                {
                    throw new TimeoutException("the client refused WILL ECHO");
                }

                await session.WriteTextAsync("> ");
                var line = await session.ReadUntilAsync("\r\n"u8.ToArray(), RunLimit);
                var text = System.Text.Encoding.ASCII.GetString(line);
                received.TrySetResult(text);
                await session.WriteTextAsync($"[{text.TrimEnd()}]\n");
                await session.ReadAllAsync().WaitAsync(RunLimit);
            }
            catch (Exception e) when (e is TelnetException or TimeoutException)
            {
                received.TrySetException(e);
            }
        }
    }

    private static async Task LogInAsync(FakeTerminal terminal)
    {
        await terminal.Output.WaitForAsync("login: ");
        terminal.Lines.WriteLine("demo");
        await terminal.Output.WaitForAsync("Password: ");
        terminal.Lines.WriteLine("secret");
        await terminal.Output.WaitForAsync("$ ");
    }
}
