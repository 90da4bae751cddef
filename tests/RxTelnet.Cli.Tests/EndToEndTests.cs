namespace RxTelnet.Cli.Tests;

using System.Diagnostics;

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

    private static async Task<(int Code, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        // The test project references the CLI, so its assembly and runtimeconfig sit beside the tests.
        var dll = Path.Combine(AppContext.BaseDirectory, "RxTelnet.Cli.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
