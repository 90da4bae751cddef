namespace RxTelnet.Cli.Tests;

using RxTelnet.Tests;

/// <summary>Runs the built command-line program as a separate process, as a user would.</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class EndToEndTests
{
    [Test]
    public async Task Program_DemoScript_ExitsZeroWithTranscript()
    {
        using var files = new TestFiles();
        var script = files.Write("login.txt", TestFiles.DemoLogin);

        var (code, stdout, stderr) = await RunAsync("--demo", "--script", script);

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Contain("RxTelnet demo device, version 0.1.0"));
            Assert.That(stderr, Does.Contain("demo server listening on 127.0.0.1:"));
        });
    }

    [Test]
    public async Task Program_DemoScriptTimesOut_ExitsTwo()
    {
        using var files = new TestFiles();
        var script = files.Write("never.txt", "expect this never comes\n");

        var (code, _, stderr) = await RunAsync("--demo", "--script", script, "--timeout", "0.5");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("script line 1: timed out after 0.5 s"));
        });
    }

    [Test]
    public async Task Program_BadPort_ExitsNonZeroNamingIt()
    {
        var (code, _, stderr) = await RunAsync("localhost", "telnet-please");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Not.Zero);
            Assert.That(stderr, Does.Contain("Invalid PORT 'telnet-please'"));
        });
    }

    private static Task<(int Code, string Output, string Errors)> RunAsync(params string[] args) =>
        ChildProcess.RunSampleAsync("RxTelnet.Cli.dll", args);
}
