namespace RxTelnet.IntegrationTests.Samples;

using System.Diagnostics;

/// <summary>The README's first command, <c>dotnet run --project samples/Demo</c>, run as a newcomer would (as a process).</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class DemoProgramTests
{
    [Test]
    public async Task Demo_RunsTheWholeDialogueOverStartTlsAndExitsZero()
    {
        // The test project references the demo, so its assembly and runtimeconfig sit beside the tests.
        var dll = Path.Combine(AppContext.BaseDirectory, "Demo.dll");
        Assert.That(File.Exists(dll), Is.True, dll);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);

        using var process = Process.Start(start)!;
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
            Assert.Fail("the demo did not finish within 60 s:\n" + await stdout);
        }

        var output = await stdout;
        var errors = await stderr;
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero, errors);
            Assert.That(output, Does.Contain("<- SB 46 (StartTls) [01]"), "the server said FOLLOWS");
            Assert.That(output, Does.Contain("[tls] upgraded with START-TLS: encrypted from here on"));
            Assert.That(output, Does.Contain("| Welcome, demo."));
            Assert.That(output, Does.Contain("| RxTelnet demo device, version 0.1.0"));
            Assert.That(output, Does.Contain("[eof] connection closed by the server"));
            Assert.That(output, Does.Contain("[state] Closed RemoteClose"));
        });
    }
}
