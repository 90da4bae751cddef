namespace RxTelnet.Cli.Tests;

[TestFixture]
[CancelAfter(30_000)]
public sealed class ArgumentTests
{
    [TestCase(new[] { "localhost", "abc" }, "Invalid PORT 'abc': expected a number from 1 to 65535.")]
    [TestCase(new[] { "localhost", "0" }, "Invalid PORT '0'")]
    [TestCase(new[] { "localhost", "70000" }, "Invalid PORT '70000'")]
    [TestCase(new[] { "localhost", "--timeout", "-1" }, "Invalid --timeout '-1'")]
    [TestCase(new[] { "localhost", "--connect-timeout", "0" }, "Invalid --connect-timeout '0'")]
    [TestCase(new string[0], "Missing HOST (or use --demo).")]
    [TestCase(new[] { "--demo", "localhost" }, "--demo connects to the embedded server: give no HOST.")]
    [TestCase(new[] { "localhost", "--insecure" }, "--insecure only applies with --tls or --starttls.")]
    [TestCase(new[] { "localhost", "--tls", "--starttls" }, "--tls and --starttls exclude each other")]
    [TestCase(new[] { "--demo", "--starttls" }, "--demo serves plain Telnet: --starttls cannot be used with it.")]
    [TestCase(new[] { "localhost", "--bogus" }, "--bogus")]
    public async Task Invalid_ExitsNonZeroNamingTheValue(string[] args, string message)
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(args, terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.Zero);
            Assert.That(terminal.Errors.Text, Does.Contain(message));
            Assert.That(terminal.Output.Text, Does.Not.Contain("Usage:"), "the error is not buried under the help page");
        });
    }

    [Test]
    public async Task Help_ListsTheOptions()
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(["--help"], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero);
            Assert.That(terminal.Output.Text, Does.Contain("rxtelnet [<HOST> [<PORT>]] [options]"));
            foreach (var option in new[] { "--tls", "--starttls", "--insecure", "--log", "--script", "--demo", "--timeout", "--connect-timeout" })
            {
                Assert.That(terminal.Output.Text, Does.Contain(option));
            }
        });
    }

    [Test]
    public async Task Connect_NothingListening_ExitsOneWithTheEndpoint()
    {
        // A port nobody listens on: bind one, note it, close it.
        var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(["127.0.0.1", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connect-timeout", "5"], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain($"rxtelnet: cannot connect to 127.0.0.1:{port}:"));
        });
    }
}
