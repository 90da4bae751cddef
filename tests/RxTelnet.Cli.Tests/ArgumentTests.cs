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
    [TestCase(new[] { "localhost", "--bogus" }, "Unknown option '--bogus'.")]
    [TestCase(new[] { "--bogus" }, "Unknown option '--bogus'.")]
    [TestCase(new[] { "--tsl", "127.0.0.1" }, "Unknown option '--tsl'.")]
    [TestCase(new[] { "-x", "127.0.0.1", "23" }, "Unknown option '-x'.")]
    [TestCase(new[] { "127.0.0.1", "23", "extra" }, "Unrecognized command or argument 'extra'")]
    [TestCase(new[] { "localhost", "--timeout", "soon" }, "soon")]
    public async Task Invalid_ExitsOneNamingTheValue_ThenTheUsage(string[] args, string message)
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(args, terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain(message));
            Assert.That(terminal.Errors.Text, Does.Contain(Cli.Usage));
            Assert.That(terminal.Errors.Text, Does.Not.Contain("Trying").And.Not.Contain("cannot connect"), "nothing was tried");
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
    public async Task UnknownOption_InTheHostPlace_IsNotTakenForAHostOrAPort()
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(["--tsl", "127.0.0.1"], terminal);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(terminal.Errors.Text, Does.Not.Contain("Invalid PORT"));
    }

    [Test]
    public async Task Version_IsThePackageVersion()
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(["--version"], terminal);

        var expected = typeof(RxTelnet.Session.TelnetSession).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.That(code, Is.Zero);
        Assert.That(terminal.Output.Text.Trim(), Is.EqualTo(expected));
        Assert.That(expected, Does.Match(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$"), "one plain version, no commit suffix");
    }

    [Test]
    public async Task Connect_UnknownHostName_SaysTheNameDoesNotResolve()
    {
        var terminal = new FakeTerminal();

        var code = await Cli.RunAsync(["no-such-host.invalid", "--connect-timeout", "20"], terminal);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(1));
            Assert.That(terminal.Errors.Text, Does.Contain("the host name 'no-such-host.invalid' could not be found"));
        });
    }

    [Test]
    public async Task Script_AFolder_SaysSoInPlainWords()
    {
        var folder = Directory.CreateTempSubdirectory("rxtelnet-cli-").FullName;
        try
        {
            var terminal = new FakeTerminal();

            var code = await Cli.RunAsync(["127.0.0.1", "--script", folder], terminal);

            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(1));
                Assert.That(terminal.Errors.Text, Does.Contain($"rxtelnet: the script '{folder}' is a folder"));
                Assert.That(terminal.Errors.Text, Does.Not.Contain("denied"));
            });
        }
        finally
        {
            Directory.Delete(folder);
        }
    }

    [Test]
    public async Task Script_Missing_SaysSo()
    {
        var terminal = new FakeTerminal();
        var path = Path.Combine(Path.GetTempPath(), $"rxtelnet-no-such-script-{Guid.NewGuid():N}.txt");

        var code = await Cli.RunAsync(["127.0.0.1", "--script", path], terminal);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(terminal.Errors.Text, Does.Contain($"rxtelnet: there is no script file '{path}'."));
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
            Assert.That(terminal.Errors.Text, Does.Contain($"rxtelnet: cannot connect to 127.0.0.1:{port}: nothing is listening on that port (connection refused)."));
        });
    }
}
