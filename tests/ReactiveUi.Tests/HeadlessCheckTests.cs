namespace RxTelnet.Samples.ReactiveUi.Tests;

using System.Diagnostics;

/// <summary>
/// Runs samples/ReactiveUi/scripts/headless-check.sh: the real app in a tmux pane against the embedded demo
/// server. Ignored (not failed) where tmux or bash is missing; the script, not this test, polls the screen.
/// </summary>
[Category("Headless")]
public class HeadlessCheckTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task HeadlessCheck_DemoLogin_ShowsVersionAndOpen(CancellationToken cancellationToken)
    {
        if (FindOnPath("tmux") is null || FindOnPath("bash") is null)
        {
            Assert.Ignore("tmux or bash is not installed: the headless UI check needs both.");
        }

        var script = FindScript();
        var app = typeof(TerminalViewModel).Assembly.Location;
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { script, "--app", app })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout;
        var errors = await stderr;
        TestContext.Out.WriteLine(output);

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero, errors);
            Assert.That(output, Does.Contain("RxTelnet demo device, version 0.1.0"));
            Assert.That(output, Does.Contain("state: Open"));
        });
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "ReactiveUi", "scripts", "headless-check.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("samples/ReactiveUi/scripts/headless-check.sh not found above the test directory.");
    }
}
