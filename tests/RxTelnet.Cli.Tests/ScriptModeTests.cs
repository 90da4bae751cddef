namespace RxTelnet.Cli.Tests;

using System.Globalization;
using RxTelnet.Samples.Demo;
using RxTelnet.Tests;
using RxTelnet.Transport;

[TestFixture]
[CancelAfter(60_000)]
public sealed class ScriptModeTests : DemoServerFixture
{
    [Test]
    public async Task Script_AllStepsMatch_ExitsZeroWithTranscript()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, terminal.Errors.Text);
            Assert.That(terminal.Output.Text, Does.Contain("login: "));
            Assert.That(terminal.Output.Text, Does.Contain("Welcome, demo."));
            Assert.That(terminal.Output.Text, Does.Contain("RxTelnet demo device, version 0.1.0"));
            Assert.That(terminal.Output.Text, Does.Contain("bye"));
        });
    }

    [Test]
    public async Task Script_StartTls_UpgradesBeforeTheDialogueAndRunsItOverTls()
    {
        using var server = new DemoServer(StartTlsOptions.Server(TestCertificate.Value));
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);
        var log = Files.PathOf("trace.log");

        var code = await Cli.RunAsync(
            ["127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), "--starttls", "--insecure", "--script", script, "--log", log],
            terminal);

        var trace = await File.ReadAllTextAsync(log);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, terminal.Errors.Text);
            Assert.That(terminal.Output.Text, Does.Contain("Welcome, demo."));
            Assert.That(trace, Does.Contain("WILL 46 (StartTls)"), "the client asked for START-TLS");
            Assert.That(trace, Does.Contain("SB 46 (StartTls) [01]"), "and the FOLLOWS exchange happened");
            Assert.That(trace, Does.Contain("-- the connection is encrypted (TLS)"));
        });
    }

    [Test]
    public async Task Script_StartTlsRefused_ExitsOneInsteadOfGoingOnInPlainText()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--starttls", "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain("the server refused START-TLS"));
            Assert.That(terminal.Output.Text, Does.Not.Contain("Welcome"), "no step ran in plain text");
        });
    }

    [Test]
    public async Task Tls_ToAPlainTelnetPort_SaysThePortIsNotTls()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--tls", "--insecure", "--connect-timeout", "5", "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain($"the server did not answer in TLS: port {Port} looks like a plain Telnet port"));
            Assert.That(terminal.Errors.Text, Does.Not.Contain("frame"));
        });
    }

    [Test]
    public async Task Script_StartTlsUntrustedCertificate_ExitsOneNamingTheFailure()
    {
        using var server = new DemoServer(StartTlsOptions.Server(TestCertificate.Value));
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);

        var code = await Cli.RunAsync(["127.0.0.1", server.Port.ToString(CultureInfo.InvariantCulture), "--starttls", "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain("rxtelnet: cannot connect to 127.0.0.1:"));
            Assert.That(terminal.Errors.Text, Does.Contain("--insecure accepts it"));
            Assert.That(terminal.Output.Text, Does.Not.Contain("Welcome"));
        });
    }

    [Test]
    public async Task Script_PatternNeverArrives_ExitsTwoNamingTheLine()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("never.txt", "timeout 0.3\nexpect login: \nexpect this never comes\n");

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(terminal.Errors.Text, Does.Contain("script line 3: timed out after 0.3 s waiting for /this never comes/"));
            Assert.That(terminal.Output.Text, Does.Contain("login: "));
        });
    }

    [Test]
    public async Task Script_ConnectionClosesBeforeMatch_ExitsTwo()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("eof.txt", "expect login: \nsend u\nexpect Password: \nsend p\nexpect \\$ $\nsend exit\nexpect a prompt that never comes\n");

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(terminal.Errors.Text, Does.Contain("script line 7: the connection closed before /a prompt that never comes/ matched"));
            Assert.That(terminal.Output.Text, Does.Contain("bye"), "what arrived before the end is still shown");
        });
    }

    [Test]
    public async Task Script_UnknownStep_ExitsOneBeforeConnecting()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("sleepy.txt", "expect login: \nsleep 1\n");

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain("sleepy.txt:2: unknown step 'sleep'"));
            Assert.That(terminal.Output.Text, Is.Empty);
        });
    }

    [Test]
    public async Task Script_DemoOption_RunsAgainstTheEmbeddedServer()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);

        var code = await Cli.RunAsync(["--demo", "--script", script], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, terminal.Errors.Text);
            Assert.That(terminal.Errors.Text, Does.Contain("demo server listening on 127.0.0.1:"));
            Assert.That(terminal.Output.Text, Does.Contain("version 0.1.0"));
        });
    }

    [Test]
    public async Task Log_ScriptRun_TracesBothDirectionsWithHexAndCommands()
    {
        var terminal = new FakeTerminal();
        var script = Files.Write("login.txt", TestFiles.DemoLogin);
        var log = Files.PathOf("trace.log");

        var code = await Cli.RunAsync(["127.0.0.1", Port, "--script", script, "--log", log], terminal);

        var trace = await File.ReadAllTextAsync(log);
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, terminal.Errors.Text);
            Assert.That(trace, Does.Match(@"\d\d:\d\d:\d\d\.\d\d\d < received \d+ bytes"));
            Assert.That(trace, Does.Match(@"\d\d:\d\d:\d\d\.\d\d\d > sent 6 bytes\n    64 65 6d 6f 0d 0a +\|demo\.\.\|"));
            Assert.That(trace, Does.Contain("> data \"demo\\r\\n\""));
            Assert.That(trace, Does.Contain("< data \"Password: \""));
            Assert.That(trace, Does.Contain("< IAC DO 31 (Naws)"), "negotiation received");
            Assert.That(trace, Does.Contain("> IAC WONT 31 (Naws)"), "negotiation sent: output is no terminal, so no NAWS");
            Assert.That(trace, Does.Contain("state Closed"));
        });
    }
}
