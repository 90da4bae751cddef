namespace RxTelnet.Tests.Session;

using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// START-TLS (option 46) as the session drives it, over a transport double that records the switch: the exchange
/// on the wire, the switch point, held writes, the fresh negotiation afterwards, refusals and timeouts, in virtual time.
/// The real handshake over loopback is in the integration tests.
/// </summary>
[TestFixture]
public sealed class StartTlsTests : ReactiveTest
{
    private const byte Iac = 255;
    private const byte Sb = 250;
    private const byte Se = 240;
    private const byte Will = 251;
    private const byte Wont = 252;
    private const byte Do = 253;
    private const byte Dont = 254;
    private const byte StartTls = 46;
    private const byte Follows = 1;

    private static readonly byte[] FollowsWire = [Iac, Sb, StartTls, Follows, Iac, Se];

    private static readonly StartTlsOptions AsClient = StartTlsOptions.Client("localhost");

    /// <summary>A started session over a fresh transport double, on its own virtual clock.</summary>
    private sealed record Rig(TestScheduler Scheduler, UpgradableTransport Transport, TelnetSession Session) : IDisposable
    {
        public static Rig Start(StartTlsOptions? tls, TelnetOptionPolicy? policy = null, bool secure = false)
        {
            var scheduler = new TestScheduler();
            var transport = new UpgradableTransport { IsSecure = secure };
            var session = new TelnetSession(transport, new TelnetSessionOptions
            {
                Scheduler = scheduler,
                StartTls = tls,
                Policy = policy ?? TelnetOptionPolicy.RefuseAll,
                NegotiationTimeout = TimeSpan.FromTicks(1_000),
            }).Start();
            return new Rig(scheduler, transport, session);
        }

        public void Dispose() => Session.Dispose();
    }

    [Test]
    public void Client_ServerAsks_AgreesAndSaysFollowsAtOnce_ThenSwitchesAtTheExactByteAfterTheServers()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        var data = new List<byte>();
        session.Data.Subscribe(d => data.AddRange(d.ToArray()));

        transport.Receive([Iac, Do, StartTls]);
        Assert.That(transport.SentBytes, Is.EqualTo((byte[])[Iac, Will, StartTls, .. FollowsWire]), "WILL, then FOLLOWS right away (as x3270 does)");
        Assert.That(transport.Upgrades, Is.Empty, "the handshake waits for the server's FOLLOWS");

        // The server's FOLLOWS, then the first bytes of its TLS data in the same chunk.
        transport.Receive([.. "plain"u8, .. FollowsWire, 0x16, 0x03, 0x01]);

        Assert.That(transport.Upgrades, Has.Count.EqualTo(1));
        var upgrade = transport.Upgrades[0];
        Assert.That(upgrade.AlreadyReceived, Is.EqualTo(new byte[] { 0x16, 0x03, 0x01 }), "the rest of the chunk goes to the handshake");
        Assert.That(upgrade.LastPlainSent.IsCompletedSuccessfully, Is.True, "the handshake starts after our FOLLOWS is on the wire");
        Assert.That(upgrade.Options.IsServer, Is.False);
        Assert.That(upgrade.CalledDuringOnNext, Is.True, "the switch is started at the switch point, inside OnNext");
        Assert.That(Encoding.ASCII.GetString([.. data]), Is.EqualTo("plain"), "TLS bytes are never parsed as Telnet data");
        Assert.That(session.IsSecure, Is.False, "not secure until the handshake completes");
    }

    [Test]
    public void Client_ServerAsks_WillAndFollowsLeaveInOneWrite()
    {
        // A server that reads our WILL alone answers FOLLOWS at once, and may then read our FOLLOWS together with
        // the ClientHello, which some (IKSD) lose. In one write, our FOLLOWS is read before the server says its own.
        using var rig = Rig.Start(AsClient, TelnetOptionPolicy.RefuseAll.Allow(TelnetOption.SuppressGoAhead));
        var (_, transport, _) = rig;

        transport.Receive([Iac, Will, 3, Iac, Do, StartTls, Iac, Do, 31]);

        Assert.That(transport.Sends, Has.Count.EqualTo(2), "the SGA reply, then WILL START_TLS and FOLLOWS; the NAWS refusal is held");
        Assert.That(transport.Sends[0], Is.EqualTo(new byte[] { Iac, Do, 3 }));
        Assert.That(transport.Sends[1], Is.EqualTo((byte[])[Iac, Will, StartTls, .. FollowsWire]), "one write");
    }

    [Test]
    public void Client_AsksFirst_FollowsLeavesInTheWriteThatAnswersTheDo()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        using var request = session.StartTls().Subscribe();
        Assert.That(transport.Sends, Is.EqualTo(new[] { new byte[] { Iac, Will, StartTls } }));

        transport.Receive([Iac, Do, StartTls]);

        Assert.That(transport.Sends, Has.Count.EqualTo(2));
        Assert.That(transport.Sends[1], Is.EqualTo(FollowsWire), "agreed by the server's DO: FOLLOWS alone, nothing more in plain text");
    }

    [Test]
    public void Client_AfterItsFollows_SendsNothingPlainUntilTheSwitch()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        transport.Receive([Iac, Do, StartTls]);

        var write = session.WriteAsync("typed early"u8.ToArray());
        transport.Receive([Iac, Will, 1]);

        Assert.That(transport.SentBytes, Is.EqualTo((byte[])[Iac, Will, StartTls, .. FollowsWire]), "neither data nor negotiation replies follow FOLLOWS in clear");
        Assert.That(write.IsCompleted, Is.False);
    }

    [Test]
    public void Client_FollowsSplitAtEveryByte_SwitchesRightAfterItsIacSe()
    {
        byte[] tlsBytes = [0x16, 0x03, 0x01, 0x00, 0x05];
        byte[] wire = [.. "ab"u8, .. FollowsWire, .. tlsBytes];
        var switchPoint = 2 + FollowsWire.Length;
        for (var split = 0; split <= wire.Length; split++)
        {
            using var rig = Rig.Start(AsClient);
            var (_, transport, session) = rig;
            var data = new List<byte>();
            session.Data.Subscribe(d => data.AddRange(d.ToArray()));
            transport.Receive([Iac, Do, StartTls]);

            transport.Receive(wire[..split]);
            if (transport.Upgrades.Count == 0)
            {
                // The switch point is in the second chunk; a real transport reads nothing plain after it.
                transport.Receive(wire[split..]);
            }

            Assert.That(transport.Upgrades, Has.Count.EqualTo(1), $"split at {split}");
            var expectedRest = split >= switchPoint ? wire[switchPoint..split] : tlsBytes;
            Assert.That(transport.Upgrades[0].AlreadyReceived, Is.EqualTo(expectedRest), $"split at {split}: the handshake gets exactly the bytes after IAC SE");
            Assert.That(data, Is.EqualTo("ab"u8.ToArray()), $"split at {split}: only the plain data is Telnet data");
        }
    }

    [Test]
    public void Client_WritesDuringHandshake_WaitAndGoOutAfterIt()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        var secure = new List<bool>();
        session.Secure.Subscribe(secure.Add);
        transport.Receive([Iac, Do, StartTls]);
        transport.Receive(FollowsWire);
        var sentBefore = transport.SentBytes.Length;

        var write = session.WriteAsync("after"u8.ToArray());
        Assert.That(transport.SentBytes.Length, Is.EqualTo(sentBefore), "held while the handshake runs");
        Assert.That(write.IsCompleted, Is.False);

        transport.Upgrades[0].Complete();

        Assert.That(secure, Is.EqualTo(new[] { false, true }));
        Assert.That(session.IsSecure, Is.True);
        Assert.That(write.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.SentBytes[sentBefore..], Is.EqualTo("after"u8.ToArray()), "released once TLS is up");
    }

    [Test]
    public void Client_RepliesHeldBehindFollows_AreDroppedAtTheSwitch_WhatTheAppWroteGoesOutOverTls()
    {
        using var rig = Rig.Start(AsClient, TelnetOptionPolicy.RefuseAll.Allow(TelnetOption.SuppressGoAhead));
        var (_, transport, session) = rig;

        // IKSD's order: DO START_TLS, then the rest of its requests in the same chunk, then (later) its FOLLOWS.
        transport.Receive([Iac, Do, StartTls, Iac, Will, 3, Iac, Do, 31]);
        var write = session.WriteAsync("typed"u8.ToArray());
        var sentBefore = transport.SentBytes.Length;
        transport.Receive(FollowsWire);
        transport.Upgrades[0].Complete();

        // DO SGA and WONT NAWS answered the plain session, which the switch ended: over TLS the server asks again.
        Assert.That(write.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.SentBytes[sentBefore..], Is.EqualTo("typed"u8.ToArray()), "only the application's write follows the switch");
        Assert.That(session.IsRemoteEnabled(TelnetOption.SuppressGoAhead), Is.False, "reset at the switch");

        transport.Receive([Iac, Will, 3]);
        Assert.That(transport.SentBytes[(sentBefore + 5)..], Is.EqualTo(new byte[] { Iac, Do, 3 }), "the new session's answer, once");
    }

    [Test]
    public void Client_AfterSwitch_EveryOptionIsOffAndStartTlsIsRefused()
    {
        using var rig = Rig.Start(AsClient, TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Echo));
        var (_, transport, session) = rig;
        var changes = new List<OptionChange>();
        session.OptionChanges.Subscribe(changes.Add);
        transport.Receive([Iac, Will, 1, Iac, Do, StartTls]);
        Assert.That(session.IsRemoteEnabled(TelnetOption.Echo), Is.True);

        transport.Receive(FollowsWire);
        transport.Upgrades[0].Complete();
        var sentBefore = transport.SentBytes.Length;

        Assert.That(session.IsRemoteEnabled(TelnetOption.Echo), Is.False, "negotiation starts afresh over TLS");
        Assert.That(session.IsLocalEnabled(TelnetOption.StartTls), Is.False);
        Assert.That(changes[^2..], Is.EquivalentTo(new[]
        {
            new OptionChange(TelnetOption.Echo, OptionSide.Remote, false),
            new OptionChange(TelnetOption.StartTls, OptionSide.Local, false),
        }));

        transport.Receive([Iac, Will, 1, Iac, Do, StartTls]);
        Assert.That(transport.SentBytes[sentBefore..], Is.EqualTo(new byte[] { Iac, Do, 1, Iac, Wont, StartTls }), "options renegotiate; START-TLS does not");
        Assert.That(transport.Upgrades, Has.Count.EqualTo(1));
    }

    [Test]
    public void Client_FollowsWithoutAgreement_IsIgnored()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        var data = new List<byte>();
        session.Data.Subscribe(d => data.AddRange(d.ToArray()));

        transport.Receive([.. FollowsWire, .. "still plain"u8]);

        Assert.That(transport.Upgrades, Is.Empty, "no WILL START_TLS was agreed");
        Assert.That(Encoding.ASCII.GetString([.. data]), Is.EqualTo("still plain"));
    }

    [Test]
    public void Client_FollowsInsideMccp2Stream_IsIgnored()
    {
        using var rig = Rig.Start(AsClient, TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2));
        var (scheduler, transport, session) = rig;
        var data = new List<byte>();
        session.Data.Subscribe(d => data.AddRange(d.ToArray()));
        transport.Receive([Iac, Do, StartTls, Iac, Will, 86, Iac, Sb, 86, Iac, Se]);

        transport.Receive(Zlib([.. FollowsWire, .. "inside"u8]));
        var write = session.WriteAsync("x"u8.ToArray());
        scheduler.AdvanceTo(1_000);

        Assert.That(transport.Upgrades, Is.Empty, "no TLS switch inside a compressed stream");
        Assert.That(Encoding.ASCII.GetString([.. data]), Is.EqualTo("inside"), "what followed was parsed (inflated) as Telnet");
        Assert.That(write.IsCompletedSuccessfully, Is.True, "with no switch, held writes go out at the negotiation timeout");
    }

    [Test]
    public void Client_NotConfigured_RefusesLikeAnyOtherOption()
    {
        using var rig = Rig.Start(tls: null, TelnetOptionPolicy.RefuseAll.Allow(TelnetOption.StartTls));
        var (_, transport, session) = rig;

        transport.Receive([Iac, Do, StartTls]);

        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, Wont, StartTls }), "the policy cannot enable START-TLS without TLS settings");
    }

    [Test]
    public void Client_StartTlsAsync_OffersWillAndCompletesTrueAfterHandshake()
    {
        using var rig = Rig.Start(AsClient);
        var (scheduler, transport, session) = rig;

        var result = scheduler.CreateObserver<bool>();
        session.StartTls().Subscribe(result);
        scheduler.AdvanceTo(100);
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, Will, StartTls }));

        transport.Receive([Iac, Do, StartTls, .. FollowsWire]);
        scheduler.AdvanceTo(5_000);
        Assert.That(result.Messages, Is.Empty, "a handshake under way outlasts the negotiation timeout");

        transport.Upgrades[0].Complete();
        result.Messages.AssertEqual(OnNext(5_000, true), OnCompleted<bool>(5_000));
    }

    [Test]
    public void StartTls_PeerRefuses_CompletesFalse()
    {
        using var rig = Rig.Start(AsClient);
        var (scheduler, transport, session) = rig;
        var result = scheduler.CreateObserver<bool>();
        session.StartTls().Subscribe(result);
        scheduler.AdvanceTo(300);

        transport.Receive([Iac, Dont, StartTls]);

        result.Messages.AssertEqual(OnNext(300, false), OnCompleted<bool>(300));
        Assert.That(transport.Upgrades, Is.Empty);
    }

    [Test]
    public void StartTls_SilentPeer_CompletesFalseAtTheNegotiationTimeout()
    {
        using var rig = Rig.Start(StartTlsOptions.Server(TestCertificate.Value));
        var (scheduler, transport, session) = rig;

        var result = scheduler.Start(() => session.StartTls(), 100, 200, 10_000);

        result.Messages.AssertEqual(OnNext(1_200, false), OnCompleted<bool>(1_200));
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, Do, StartTls }), "DO START_TLS went out once");
    }

    [Test]
    public void StartTls_SessionCloses_FailsWithTelnetClosedException()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        var task = session.StartTlsAsync();

        transport.End();

        Assert.That(task.IsFaulted, Is.True);
        Assert.That(task.Exception!.InnerException, Is.TypeOf<TelnetClosedException>());
    }

    [Test]
    public void Server_ClientAgrees_SendsFollowsHoldsWritesAndSwitchesOnClientsFollows()
    {
        using var rig = Rig.Start(StartTlsOptions.Server(TestCertificate.Value));
        var (scheduler, transport, session) = rig;
        var result = scheduler.CreateObserver<bool>();
        session.StartTls().Subscribe(result);
        scheduler.AdvanceTo(10);
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, Do, StartTls }));

        transport.Receive([Iac, Will, StartTls]);
        Assert.That(transport.SentBytes, Is.EqualTo((byte[])[Iac, Do, StartTls, .. FollowsWire]), "FOLLOWS once the client agreed");

        var write = session.WriteAsync("secret"u8.ToArray());
        Assert.That(transport.SentBytes, Has.Length.EqualTo(9), "nothing follows FOLLOWS in plain text");

        // The client's FOLLOWS and its ClientHello in one chunk.
        transport.Receive([.. FollowsWire, 0x16, 0x03]);
        var upgrade = transport.Upgrades.Single();
        Assert.That(upgrade.Options.IsServer, Is.True);
        Assert.That(upgrade.LastPlainSent.IsCompletedSuccessfully, Is.True, "our FOLLOWS went first");
        Assert.That(upgrade.AlreadyReceived, Is.EqualTo(new byte[] { 0x16, 0x03 }));

        upgrade.Complete();
        Assert.That(write.IsCompletedSuccessfully, Is.True);
        Assert.That(transport.SentBytes[9..], Is.EqualTo("secret"u8.ToArray()));
        result.Messages.AssertEqual(OnNext(10, true), OnCompleted<bool>(10));
    }

    [Test]
    public void Server_X3270StyleClient_WillAndFollowsInOneChunk_SwitchesRightAway()
    {
        using var rig = Rig.Start(StartTlsOptions.Server(TestCertificate.Value));
        var (_, transport, session) = rig;
        _ = session.StartTlsAsync();

        transport.Receive([Iac, Will, StartTls, .. FollowsWire, 0x16]);

        Assert.That(transport.SentBytes, Is.EqualTo((byte[])[Iac, Do, StartTls, .. FollowsWire]));
        Assert.That(transport.Upgrades.Single().AlreadyReceived, Is.EqualTo(new byte[] { 0x16 }));
    }

    [Test]
    public void Server_ClientNeverSaysFollows_ReleasesWritesAtTheNegotiationTimeout()
    {
        using var rig = Rig.Start(StartTlsOptions.Server(TestCertificate.Value));
        var (scheduler, transport, session) = rig;
        transport.Receive([Iac, Will, StartTls]);
        Assert.That(transport.SentBytes, Is.EqualTo((byte[])[Iac, Do, StartTls, .. FollowsWire]), "a client's offer is accepted without StartTls()");

        var write = session.WriteAsync("x"u8.ToArray());
        scheduler.AdvanceTo(999);
        Assert.That(write.IsCompleted, Is.False);
        scheduler.AdvanceTo(1_000);

        Assert.That(write.IsCompletedSuccessfully, Is.True, "a client that agreed and went quiet does not hold writes for ever");
        Assert.That(transport.Upgrades, Is.Empty);
    }

    [Test]
    public void HandshakeFails_SessionClosesWithTheError()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        var task = session.StartTlsAsync();
        transport.Receive([Iac, Do, StartTls, .. FollowsWire]);

        var error = new System.Security.Authentication.AuthenticationException("bad certificate");
        transport.Upgrades[0].Fail(error);

        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.TransportError));
        Assert.That(session.CurrentState.Error, Is.SameAs(error));
        Assert.That(task.Exception!.InnerException, Is.SameAs(error));
    }

    [Test]
    public void HandshakeFails_LeavesNoUnobservedTaskException()
    {
        UnobservedTasks.ForgetEarlier();

        FailHandshakeAndDropEverything();

        UnobservedTasks.AssertNone();
    }

    [Test]
    public void StartTls_WithoutOptionsOrUpgradableTransport_ThrowsNamingWhatIsMissing()
    {
        using var plain = new TelnetSession(new UpgradableTransport());
        Assert.That(() => plain.StartTls(), Throws.InvalidOperationException.With.Message.Contains("TelnetSessionOptions.StartTls"));

        using var inMemory = new TelnetSession(new ObservableTransport(Observable.Never<byte[]>()), new TelnetSessionOptions { StartTls = AsClient });
        Assert.That(() => inMemory.StartTls(), Throws.InvalidOperationException.With.Message.Contains("ObservableTransport"));
    }

    [Test]
    public void AlreadySecure_StartTlsIsTrueAtOnceAndNeverNegotiated()
    {
        using var rig = Rig.Start(AsClient, secure: true);
        var (scheduler, transport, session) = rig;

        var result = scheduler.Start(() => session.StartTls(), 100, 200, 10_000);
        transport.Receive([Iac, Do, StartTls]);

        result.Messages.AssertEqual(OnNext(200, true), OnCompleted<bool>(200));
        Assert.That(transport.SentBytes, Is.EqualTo(new byte[] { Iac, Wont, StartTls }));
    }

    [Test]
    public void TelnetlibCallbackMode_NeverSwitches()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, session) = rig;
        session.SetOptionNegotiationCallback(_ => { });

        transport.Receive([Iac, Do, StartTls, .. FollowsWire, .. "x"u8]);

        Assert.That(transport.Upgrades, Is.Empty);
        Assert.That(transport.SentBytes, Is.Empty);
    }

    [Test]
    public void StartTlsOptions_BadArguments_AreRejectedByName()
    {
        Assert.That(() => StartTlsOptions.Client(""), Throws.ArgumentException.With.Property("ParamName").EqualTo("targetHost"));
        Assert.That(() => StartTlsOptions.Client("h", handshakeTimeout: TimeSpan.Zero), Throws.InstanceOf<ArgumentOutOfRangeException>());
        using var noKey = TestCertificate.WithoutPrivateKey();
        Assert.That(() => StartTlsOptions.Server(noKey), Throws.ArgumentException.With.Message.Contains("private key"));
    }

    private static byte[] Zlib(byte[] plain)
    {
        var ms = new MemoryStream();
        using (var z = new System.IO.Compression.ZLibStream(ms, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(plain);
        }

        return ms.ToArray();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FailHandshakeAndDropEverything()
    {
        using var rig = Rig.Start(AsClient);
        var (_, transport, _) = rig;
        transport.Receive([Iac, Do, StartTls, .. FollowsWire]);
        transport.Upgrades[0].Fail(new System.Security.Authentication.AuthenticationException("bad certificate"));
    }

    /// <summary>A transport double: received chunks are pushed by the test; upgrades are recorded and completed by it.</summary>
    private sealed class UpgradableTransport : ITlsUpgradableTransport
    {
        private readonly Subject<byte[]> _incoming = new();
        private readonly List<byte> _sent = [];
        private bool _delivering;
        private Task _upgrading = Task.CompletedTask;

        public List<Upgrade> Upgrades { get; } = [];

        public byte[] SentBytes => [.. _sent];

        /// <summary>Gets each send as it was handed over: one entry per write on the wire.</summary>
        public List<byte[]> Sends { get; } = [];

        public bool IsSecure { get; set; }

        public IObservable<byte[]> Received => _incoming;

        public Socket? Socket => null;

        public EndPoint? RemoteEndPoint => null;

        public EndPoint? LocalEndPoint => null;

        public void Receive(byte[] chunk)
        {
            _delivering = true;
            try
            {
                _incoming.OnNext(chunk);
            }
            finally
            {
                _delivering = false;
            }
        }

        public void End() => _incoming.OnCompleted();

        public async ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            // Like the real transport: sends wait for a handshake under way.
            await _upgrading;
            _sent.AddRange(data.ToArray());
            Sends.Add(data.ToArray());
        }

        public Task UpgradeToTlsAsync(ReadOnlyMemory<byte> alreadyReceived, Task lastPlainSent, StartTlsOptions tls, CancellationToken cancellationToken = default)
        {
            var upgrade = new Upgrade(this, alreadyReceived.ToArray(), lastPlainSent, tls, _delivering);
            Upgrades.Add(upgrade);
            _upgrading = upgrade.Task;
            return upgrade.Task;
        }

        public void Close() => _incoming.OnCompleted();

        public void Dispose() => Close();

        public ValueTask DisposeAsync()
        {
            Close();
            return ValueTask.CompletedTask;
        }

        public sealed class Upgrade(UpgradableTransport owner, byte[] alreadyReceived, Task lastPlainSent, StartTlsOptions options, bool calledDuringOnNext)
        {
            private readonly TaskCompletionSource _completion = new();

            public byte[] AlreadyReceived { get; } = alreadyReceived;

            public Task LastPlainSent { get; } = lastPlainSent;

            public StartTlsOptions Options { get; } = options;

            public bool CalledDuringOnNext { get; } = calledDuringOnNext;

            public Task Task => _completion.Task;

            public void Complete()
            {
                owner.IsSecure = true;
                _completion.SetResult();
            }

            public void Fail(Exception error)
            {
                _completion.SetException(error);
                owner._incoming.OnError(error);
            }
        }
    }
}
