namespace RxTelnet.IntegrationTests.Samples;

using RxTelnet.Tests;

/// <summary>The README's first command, <c>dotnet run --project samples/Demo</c>, run as a newcomer would (as a process).</summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class DemoProgramTests
{
    [Test]
    public async Task Demo_RunsTheWholeDialogueOverStartTlsAndExitsZero()
    {
        var (code, output, errors) = await ChildProcess.RunSampleAsync("Demo.dll");

        Assert.Multiple(() =>
        {
            Assert.That(code, Is.Zero, errors);
            Assert.That(output, Does.Contain("<- SB 46 (StartTls) [01]"), "the server said FOLLOWS");
            Assert.That(output, Does.Contain("[tls] upgraded with START-TLS: encrypted from here on"));
            Assert.That(output, Does.Contain("| Welcome, demo."));
            Assert.That(output, Does.Contain("| RxTelnet demo device, version 0.1.0"));
            Assert.That(output, Does.Contain("[eof] connection closed by the server"));
            Assert.That(output, Does.Contain("[state] Closed RemoteClose"));
        });
    }
}
