namespace RxTelnet.IntegrationTests.Peers;

using System.Diagnostics;
using System.Net;
using System.Text;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

/// <summary>
/// START-TLS against a second third-party client: <c>openssl s_client -starttls telnet</c>. It is strict: its first
/// read must be exactly <c>IAC DO START_TLS</c> and, after it answers WILL and FOLLOWS, its next read exactly the
/// server's FOLLOWS; then it verifies the server certificate against the one CA file it is given. Runs with the other
/// real peers (RXTELNET_PEERS=1).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class OpenSslStartTlsTests
{
    private string _caFile = string.Empty;

    [OneTimeSetUp]
    public void WriteTheCaFile()
    {
        _caFile = Path.Combine(Path.GetTempPath(), $"rxtelnet-ca-{Environment.ProcessId}.pem");
        File.WriteAllText(_caFile, TestCertificate.Value.ExportCertificatePem());
    }

    [OneTimeTearDown]
    public void DeleteTheCaFile() => File.Delete(_caFile);

    [Test]
    public async Task OpenSslSClient_StartTlsTelnet_VerifiesOurCertificateAndTalksOverTls()
    {
        RequirePeers();
        var served = new TaskCompletionSource<(bool Secured, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = StartListener(served);

        using var client = StartSClient(listener.LocalEndPoint.Port, "-CAfile", _caFile, "-verify_hostname", "localhost", "-verify_return_error");
        var greeting = await ReadUntilAsync(client.StandardOutput, "secured by rxtelnet");
        await client.StandardInput.WriteAsync("classified\n");
        await client.StandardInput.FlushAsync();
        var (secured, line) = await served.Task.WaitAsync(Peer.Timeout);
        var rest = await client.StandardOutput.ReadToEndAsync().WaitAsync(Peer.Timeout);
        await client.WaitForExitAsync().WaitAsync(Peer.Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(secured, Is.True, "our listener completed the upgrade");
            Assert.That(greeting, Does.EndWith("secured by rxtelnet"), "s_client read the text sent over TLS");
            Assert.That(line, Is.EqualTo("classified\r\n"), "what s_client typed reached the listener over TLS");
            Assert.That(rest, Does.Contain("echo: classified"));
        });
    }

    [Test]
    public async Task OpenSslSClient_WithoutOurCertificateAsTrusted_RefusesTheHandshake()
    {
        RequirePeers();
        var served = new TaskCompletionSource<(bool Secured, string Line)>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = StartListener(served);

        // No CA file: the self-signed test certificate does not verify, so s_client aborts the handshake. This shows
        // the test above really negotiated TLS with our certificate rather than passing data through in clear.
        using var client = StartSClient(listener.LocalEndPoint.Port, "-verify_return_error");
        var output = await client.StandardOutput.ReadToEndAsync().WaitAsync(Peer.Timeout);
        var errors = await client.StandardError.ReadToEndAsync().WaitAsync(Peer.Timeout);
        await client.WaitForExitAsync().WaitAsync(Peer.Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(client.ExitCode, Is.Not.Zero);
            Assert.That(errors, Does.Contain("verify").IgnoreCase, "s_client rejected the certificate");
            Assert.That(output, Does.Not.Contain("secured by rxtelnet"));
        });
        Assert.That(
            async () => await served.Task.WaitAsync(Peer.Timeout),
            Throws.InstanceOf<Exception>(),
            "the listener's upgrade failed with the handshake");
    }

    private static void RequirePeers()
    {
        if (Environment.GetEnvironmentVariable("RXTELNET_PEERS") != "1")
        {
            Assert.Ignore("Real peers are not installed: .ci/run installs openssl with the others and sets RXTELNET_PEERS=1.");
        }
    }

    /// <summary>A listener that upgrades first (nothing in plain text before DO START_TLS), greets, echoes one line and hangs up.</summary>
    private static TelnetListener StartListener(TaskCompletionSource<(bool Secured, string Line)> served)
    {
        var listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions { StartTls = StartTlsOptions.Server(TestCertificate.Value) });
        listener.Sessions.Subscribe(session => _ = ServeAsync(session));
        return listener;

        async Task ServeAsync(TelnetSession session)
        {
            using (session)
            {
                try
                {
                    if (!await session.StartTlsAsync())
                    {
                        served.TrySetResult((false, string.Empty));
                        return;
                    }

                    await session.WriteTextAsync("secured by rxtelnet\n");
                    var line = Encoding.ASCII.GetString(await session.ReadUntilAsync("\n"u8.ToArray(), Peer.Timeout));
                    await session.WriteTextAsync("echo: " + line);
                    served.TrySetResult((true, line));
                }
                catch (Exception ex)
                {
                    served.TrySetException(ex);
                }
            }
        }
    }

    // -quiet: only the session's data on stdout; -crlf: a typed line ends in CR LF as a Telnet line should.
    private static Process StartSClient(int port, params string[] verification) => ChildProcess.Start(
        "openssl",
        ["s_client", "-connect", $"127.0.0.1:{port}", "-starttls", "telnet", "-quiet", "-crlf", .. verification],
        "openssl is not installed although RXTELNET_PEERS=1: scripts/peers/install.sh installs it.");

    /// <summary>Reads characters until <paramref name="expected"/> has arrived, within the peer timeout.</summary>
    private static async Task<string> ReadUntilAsync(StreamReader reader, string expected)
    {
        var seen = new StringBuilder();
        var one = new char[1];
        using var timeout = new CancellationTokenSource(Peer.Timeout);
        while (!seen.ToString().EndsWith(expected, StringComparison.Ordinal))
        {
            if (await reader.ReadAsync(one, timeout.Token) == 0)
            {
                Assert.Fail($"s_client ended before \"{expected}\"; it printed: {seen}");
            }

            seen.Append(one[0]);
        }

        return seen.ToString();
    }
}
