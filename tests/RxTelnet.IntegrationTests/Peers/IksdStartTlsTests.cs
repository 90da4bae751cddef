namespace RxTelnet.IntegrationTests.Peers;

using System.Net;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Tests;
using RxTelnet.Transport;

/// <summary>
/// Our START-TLS client against a third-party START-TLS server: IKSD, C-Kermit run as an Internet service (Debian's
/// <c>ckermit</c>; its author also wrote the START-TLS draft). IKSD asks <c>DO START_TLS</c> first, with the rest of
/// its options in the same segment, and after TLS negotiates every option again. scripts/peers/start.sh runs it with
/// a throw-away certificate that these tests pin. Runs with the other real peers (RXTELNET_PEERS=1).
/// </summary>
[TestFixture]
[CancelAfter(120_000)]
public sealed class IksdStartTlsTests
{
    private static readonly byte[] UserName = "rxtelnet-probe"u8.ToArray();

    [Test]
    public async Task OurClient_UpgradesWithIksd_NegotiatesAfreshAndTalksOnlyOverTls()
    {
        using var certificate = PeerCertificate();
        await using var relay = await Relay.StartAsync(new IPEndPoint(IPAddress.Loopback, Peer.Port("IKSD")));
        var commands = new List<(bool Secure, TelnetCommand Command)>();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var session = await TelnetClient.ConnectAsync(
            "127.0.0.1",
            relay.Port,
            new TelnetSessionOptions
            {
                StartTls = Pinned(certificate),
                Policy = TelnetOptionPolicy.RefuseAll.Allow(TelnetOption.SuppressGoAhead),
            },
            Peer.Timeout,
            s => s.Commands.Subscribe(c =>
            {
                lock (commands)
                {
                    commands.Add((s.IsSecure, c));
                }

                if (c is { Verb: TelnetVerb.Do, Option: TelnetOption.StartTls })
                {
                    asked.TrySetResult();
                }
            }));

        // IKSD asks first (DO START_TLS), and the session, configured for START-TLS, answers WILL and FOLLOWS in one
        // write by itself; StartTlsAsync then just waits for the upgrade that is under way.
        await asked.Task.WaitAsync(Peer.Timeout);
        Assert.That(await session.StartTlsAsync().WaitAsync(Peer.Timeout), Is.True, "IKSD agreed to START-TLS");
        var banner = await session.UntilAsync("Username: ");
        await session.WriteRawAsync((byte[])[.. UserName, .. "\r\n"u8]);
        var prompt = await session.UntilAsync("Password: ");

        var toClient = Encoding.Latin1.GetString(relay.ToClient);
        var toServer = Encoding.Latin1.GetString(relay.ToServer);
        (bool Secure, TelnetCommand Command)[] seen;
        lock (commands)
        {
            seen = [.. commands];
        }

        Assert.Multiple(() =>
        {
            Assert.That(session.IsSecure, Is.True);
            Assert.That(banner, Does.Contain("Internet Kermit Service"), "IKSD's banner arrived over TLS");
            Assert.That(prompt, Does.Contain("rxtelnet-probe's Password"), "what we typed reached IKSD through TLS");

            Assert.That(toClient, Does.StartWith("\xFF\xFD\x2E"), "IKSD asks DO START_TLS first");
            Assert.That(toServer, Does.StartWith("\xFF\xFB\x2E\xFF\xFA\x2E\x01\xFF\xF0\x16\x03"), "WILL and FOLLOWS, then at once the TLS ClientHello");
            Assert.That(toClient, Does.Not.Contain("Kermit Service"), "the banner never crossed the wire in clear");
            Assert.That(toClient, Does.Not.Contain("Username"));
            Assert.That(toServer, Does.Not.Contain("rxtelnet-probe"), "the user name never crossed the wire in clear");

            static bool DoAuthentication((bool Secure, TelnetCommand Command) c) =>
                c.Command.Verb == TelnetVerb.Do && c.Command.Option == TelnetOption.Authentication;
            Assert.That(seen.Count(c => !c.Secure && DoAuthentication(c)), Is.EqualTo(1), "IKSD asked for its options before TLS");
            Assert.That(seen.Count(c => c.Secure && DoAuthentication(c)), Is.EqualTo(1), "and again over TLS: negotiation starts afresh, as we reset ours");
            Assert.That(session.IsRemoteEnabled(TelnetOption.SuppressGoAhead), Is.True, "the options renegotiated over TLS took effect");
        });
    }

    [Test]
    public async Task OurClient_PinningAnotherCertificate_RejectsIksdAndClosesWithTheHandshakeError()
    {
        using var other = TestCertificate.WithoutPrivateKey();
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var session = await TelnetClient.ConnectAsync(
            "127.0.0.1",
            Peer.Port("IKSD"),
            new TelnetSessionOptions { StartTls = Pinned(other) },
            Peer.Timeout,
            s => s.Commands.Where(c => c is { Verb: TelnetVerb.Do, Option: TelnetOption.StartTls }).Subscribe(_ => asked.TrySetResult()));
        var closed = session.State.LastAsync().ToTask();
        await asked.Task.WaitAsync(Peer.Timeout);

        Assert.ThrowsAsync<AuthenticationException>(() => session.StartTlsAsync().WaitAsync(Peer.Timeout));
        var state = await closed.WaitAsync(Peer.Timeout);
        Assert.That(state.Reason, Is.EqualTo(TelnetCloseReason.TransportError));
        Assert.That(session.IsSecure, Is.False);
    }

    private static StartTlsOptions Pinned(X509Certificate2 expected) => StartTlsOptions.Client(
        "localhost",
        (_, cert, _, _) => cert is not null && cert.GetCertHashString() == expected.GetCertHashString());

    /// <summary>The certificate start.sh made for IKSD (public part only).</summary>
    private static X509Certificate2 PeerCertificate()
    {
        _ = Peer.Port("IKSD");
        var path = Environment.GetEnvironmentVariable("RXTELNET_IKSD_CERT");
        if (path is null || !File.Exists(path))
        {
            Assert.Fail("RXTELNET_IKSD_CERT does not name IKSD's certificate although the IKSD peer is up: see scripts/peers/start.sh.");
        }

        return X509Certificate2.CreateFromPem(File.ReadAllText(path!));
    }
}
