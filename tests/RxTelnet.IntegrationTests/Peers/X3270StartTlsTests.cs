namespace RxTelnet.IntegrationTests.Peers;

using System.Net;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

/// <summary>
/// START-TLS against a third-party implementation: s3270 (the scripting member of the x3270 family, Debian's
/// <c>s3270</c> package) connects to our listener in NVT mode, accepts its <c>DO START_TLS</c> and negotiates TLS
/// the x3270 way (FOLLOWS together with its WILL). Runs with the other real peers (RXTELNET_PEERS=1).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class X3270StartTlsTests
{
    [Test]
    public async Task S3270_ConnectsToOurListener_UpgradesWithStartTlsAndReadsOverTls()
    {
        if (Environment.GetEnvironmentVariable("RXTELNET_PEERS") != "1")
        {
            Assert.Ignore("Real peers are not installed: .ci/run installs s3270 with the others and sets RXTELNET_PEERS=1.");
        }

        var served = new TaskCompletionSource<(bool Secured, bool IsSecure)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions { StartTls = StartTlsOptions.Server(TestCertificate.Value) });
        listener.Sessions.Subscribe(session => _ = ServeAsync(session));

        var script = $"Connect(127.0.0.1:{listener.LocalEndPoint.Port})\nExpect(\"secured by rxtelnet\",20)\nAscii()\nDisconnect()\nQuit()\n";
        var (code, output, errors) = await RunS3270Async(script);
        TestContext.Out.WriteLine(output);
        var (secured, isSecure) = await served.Task.WaitAsync(Peer.Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(secured, Is.True, "the listener's StartTlsAsync completed the upgrade");
            Assert.That(isSecure, Is.True);
            Assert.That(code, Is.Zero, errors);
            Assert.That(output, Does.Contain("secured by rxtelnet"), "s3270 read the text the listener sent over TLS");
            Assert.That(output, Does.Not.Contain("error"), "every s3270 action succeeded:\n" + output);
        });

        async Task ServeAsync(TelnetSession session)
        {
            using (session)
            {
                try
                {
                    var ok = await session.StartTlsAsync();
                    served.TrySetResult((ok, session.IsSecure));
                    if (ok)
                    {
                        await session.WriteTextAsync("secured by rxtelnet\n");
                        await session.ReadAllAsync();
                    }
                }
                catch (Exception ex)
                {
                    served.TrySetException(ex);
                }
            }
        }
    }

    // NVT (plain Telnet) mode; the test certificate is self-signed, so s3270 is told not to check it.
    private static Task<(int Code, string Output, string Errors)> RunS3270Async(string script) => ChildProcess.RunAsync(
        "s3270",
        ["-nvt", "-noverifycert"],
        script,
        Peer.Timeout + Peer.Timeout,
        "s3270 is not installed although RXTELNET_PEERS=1: scripts/peers/install.sh installs it.");
}
