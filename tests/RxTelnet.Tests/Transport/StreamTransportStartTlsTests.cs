namespace RxTelnet.Tests.Transport;

using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;
using RxTelnet.Transport;

/// <summary>
/// <see cref="StreamTransport.UpgradeToTlsAsync"/> over a loopback socket, against a peer whose <see cref="SslStream"/>
/// the test drives: the switch at a marker found inside <c>OnNext</c>, with and without TLS bytes in the same chunk,
/// and how a rejected certificate, a timeout or a cancellation ends it.
/// </summary>
[TestFixture]
public sealed class StreamTransportStartTlsTests
{
    private static readonly TimeSpan Patience = Loopback.Patience;

    private static readonly byte[] Marker = Encoding.ASCII.GetBytes("SWITCH");

    private static bool TrustTestCertificate(object sender, System.Security.Cryptography.X509Certificates.X509Certificate? certificate, System.Security.Cryptography.X509Certificates.X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificate.Value.GetCertHashString();

    [Test]
    public async Task UpgradeToTlsAsync_AsServer_WithTheClientHelloInTheSwitchChunk_SecuresBothDirections()
    {
        var (own, other) = await Loopback.ConnectPairAsync();
        using var peerSocket = other;
        using var transport = new StreamTransport(new NetworkStream(own, ownsSocket: true));
        var receiver = new SwitchingReceiver(rest => transport.UpgradeToTlsAsync(rest, Task.CompletedTask, StartTlsOptions.Server(TestCertificate.Value)));
        using var subscription = transport.Received.Subscribe(receiver);

        // The peer's first TLS write carries the marker in front, so the ClientHello arrives in the switch chunk.
        await using var peer = new SslStream(new MarkerFirstStream(new NetworkStream(peerSocket), Marker), leaveInnerStreamOpen: false);
        await peer.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = TrustTestCertificate }).WaitAsync(Patience);
        await (await receiver.Switched.Task.WaitAsync(Patience)).WaitAsync(Patience);

        Assume.That(receiver.AlreadyReceived, Is.Not.Empty, "the marker and the ClientHello came in one read, as one loopback send does");
        Assert.That(transport.IsSecure, Is.True);
        await AssertTalksAsync(transport, receiver, peer);
    }

    [Test]
    public async Task UpgradeToTlsAsync_AsClient_WithNothingAfterTheSwitchPoint_SecuresBothDirections_AndCloseDropsOnlyTheTlsLayer()
    {
        var (own, other) = await Loopback.ConnectPairAsync();
        using var ownSocket = own;
        using var peerSocket = other;
        var original = new NetworkStream(own, ownsSocket: false);
        var transport = new ExposedStreamTransport(original);
        var receiver = new SwitchingReceiver(rest => transport.UpgradeToTlsAsync(rest, Task.CompletedTask, StartTlsOptions.Client("localhost", TrustTestCertificate)));
        using var subscription = transport.Received.Subscribe(receiver);

        // The TLS server speaks only after the ClientHello, so the marker arrives alone.
        var peerStream = new NetworkStream(peerSocket);
        await peerStream.WriteAsync(Marker);
        await using var peer = new SslStream(peerStream, leaveInnerStreamOpen: false);
        await peer.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = TestCertificate.Value }).WaitAsync(Patience);
        await (await receiver.Switched.Task.WaitAsync(Patience)).WaitAsync(Patience);

        Assert.That(receiver.AlreadyReceived, Is.Empty);
        Assert.That(transport.IsSecure, Is.True);
        await AssertTalksAsync(transport, receiver, peer);

        var tlsLayer = transport.Current;
        transport.Close();

        Assert.That(original.CanRead, Is.True, "the stream the transport does not own stays open under the TLS layer");
        Assert.That(() => tlsLayer.Write([1]), Throws.InstanceOf<ObjectDisposedException>(), "the TLS layer the upgrade added is the transport's own: closed");
        original.Dispose();
    }

    [Test]
    public async Task UpgradeToTlsAsync_CertificateRejected_FaultsTheUpgradeAndEndsReceivedWithTheError()
    {
        var (own, other) = await Loopback.ConnectPairAsync();
        using var peerSocket = other;
        using var transport = new StreamTransport(new NetworkStream(own, ownsSocket: true));
        var receiver = new SwitchingReceiver(rest => transport.UpgradeToTlsAsync(rest, Task.CompletedTask, StartTlsOptions.Client("localhost", (_, _, _, _) => false)));
        using var subscription = transport.Received.Subscribe(receiver);

        var peerStream = new NetworkStream(peerSocket);
        await peerStream.WriteAsync(Marker);
        await using var peer = new SslStream(peerStream, leaveInnerStreamOpen: false);
        var peerHandshake = peer.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = TestCertificate.Value });
        var upgrade = await receiver.Switched.Task.WaitAsync(Patience);

        Assert.That(async () => await upgrade.WaitAsync(Patience), Throws.InstanceOf<AuthenticationException>());
        Assert.That(await receiver.Ended.Task.WaitAsync(Patience), Is.InstanceOf<AuthenticationException>(), "a failed handshake fails the connection");
        Assert.That(transport.IsSecure, Is.False);

        // Under TLS 1.3 the server may finish before the client rejects its certificate: either outcome is fine there.
        _ = peerHandshake.ContinueWith(static t => t.Exception, TaskScheduler.Default);
    }

    [Test]
    public async Task UpgradeToTlsAsync_LastPlainSendNeverDone_TimesOutNamingTheLimit_WithoutSendingAnyTlsByte()
    {
        // The handshake waits for our last plain bytes to be sent: until then no TLS byte may go out. Here they never
        // are, so the handshake timeout ends it, and the peer must have seen nothing but the end.
        var (own, other) = await Loopback.ConnectPairAsync();
        using var peerSocket = other;
        using var transport = new StreamTransport(new NetworkStream(own, ownsSocket: true));
        var limit = TimeSpan.FromMilliseconds(500);
        var neverSent = new TaskCompletionSource().Task;
        var receiver = new SwitchingReceiver(rest => transport.UpgradeToTlsAsync(rest, neverSent, StartTlsOptions.Client("localhost", TrustTestCertificate, limit)));
        using var subscription = transport.Received.Subscribe(receiver);

        await peerSocket.SendAsync(Marker);
        var upgrade = await receiver.Switched.Task.WaitAsync(Patience);

        Assert.That(
            async () => await upgrade.WaitAsync(Patience),
            Throws.TypeOf<TimeoutException>().With.Message.Contains("START-TLS handshake").And.Message.Contains(limit.ToString()));
        Assert.That(await receiver.Ended.Task.WaitAsync(Patience), Is.SameAs(upgrade.Exception!.InnerException), "the connection fails with the same error");

        transport.Close();
        Assert.That(await Loopback.DrainUntilClosedAsync(peerSocket), Is.Zero, "no ClientHello went out ahead of the last plain send");
    }

    [Test]
    public async Task UpgradeToTlsAsync_CancelledByTheCaller_FaultsWithOperationCanceled_NotATimeout()
    {
        var (own, other) = await Loopback.ConnectPairAsync();
        using var peerSocket = other;
        using var transport = new StreamTransport(new NetworkStream(own, ownsSocket: true));
        using var cancel = new CancellationTokenSource();
        var neverSent = new TaskCompletionSource().Task;
        var receiver = new SwitchingReceiver(rest => transport.UpgradeToTlsAsync(rest, neverSent, StartTlsOptions.Client("localhost", TrustTestCertificate, Timeout.InfiniteTimeSpan), cancel.Token));
        using var subscription = transport.Received.Subscribe(receiver);

        await peerSocket.SendAsync(Marker);
        var upgrade = await receiver.Switched.Task.WaitAsync(Patience);
        cancel.Cancel();

        Assert.That(async () => await upgrade.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
        Assert.That(await receiver.Ended.Task.WaitAsync(Patience), Is.InstanceOf<OperationCanceledException>());
    }

    private static async Task AssertTalksAsync(StreamTransport transport, SwitchingReceiver receiver, SslStream peer)
    {
        var secret = receiver.ExpectSecured(6);
        await peer.WriteAsync(Encoding.ASCII.GetBytes("secret"));
        await peer.FlushAsync();
        Assert.That(await secret.WaitAsync(Patience), Is.EqualTo("secret"), "the peer's encrypted bytes arrive decrypted");

        await transport.SendAsync(Encoding.ASCII.GetBytes("reply")).AsTask().WaitAsync(Patience);
        var reply = new byte[5];
        await peer.ReadExactlyAsync(reply).AsTask().WaitAsync(Patience);
        Assert.That(Encoding.ASCII.GetString(reply), Is.EqualTo("reply"), "our sends go out encrypted");
    }

    /// <summary>Exposes the stream the transport uses now.</summary>
    private sealed class ExposedStreamTransport(Stream stream) : StreamTransport(stream, ownsStream: false)
    {
        public Stream Current => Stream;
    }

    /// <summary>
    /// Collects plain bytes until the marker, then starts the upgrade from inside that OnNext with the rest of the
    /// chunk; collects what comes after as secured bytes.
    /// </summary>
    private sealed class SwitchingReceiver(Func<byte[], Task> upgrade) : IObserver<byte[]>
    {
        private readonly List<byte> _plain = [];
        private readonly List<byte> _secured = [];
        private int _expected;
        private TaskCompletionSource<string>? _securedArrived;

        public TaskCompletionSource<Task> Switched { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<Exception?> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public byte[] AlreadyReceived { get; private set; } = [];

        public Task<string> ExpectSecured(int count)
        {
            lock (_secured)
            {
                _expected = count;
                _securedArrived = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                Check();
                return _securedArrived.Task;
            }
        }

        public void OnNext(byte[] value)
        {
            if (Switched.Task.IsCompleted)
            {
                lock (_secured)
                {
                    _secured.AddRange(value);
                    Check();
                }

                return;
            }

            _plain.AddRange(value);
            if (_plain.Count >= Marker.Length)
            {
                if (!_plain.Take(Marker.Length).SequenceEqual(Marker))
                {
                    Switched.SetException(new InvalidOperationException("the plain bytes did not start with the marker"));
                    return;
                }

                AlreadyReceived = [.. _plain.Skip(Marker.Length)];
                Switched.SetResult(upgrade(AlreadyReceived));
            }
        }

        public void OnError(Exception error) => Ended.TrySetResult(error);

        public void OnCompleted() => Ended.TrySetResult(null);

        private void Check()
        {
            if (_securedArrived is not null && _secured.Count >= _expected)
            {
                _securedArrived.TrySetResult(Encoding.ASCII.GetString([.. _secured]));
            }
        }
    }

    /// <summary>Puts the marker in front of the first write, so both go out in one send.</summary>
    private sealed class MarkerFirstStream(Stream inner, byte[] marker) : Stream
    {
        private bool _sent;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(Prefixed(buffer.AsSpan(offset, count)));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => inner.WriteAsync(Prefixed(buffer.Span), cancellationToken);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.WriteAsync(Prefixed(buffer.AsSpan(offset, count)), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        private byte[] Prefixed(ReadOnlySpan<byte> data)
        {
            if (_sent)
            {
                return data.ToArray();
            }

            _sent = true;
            return [.. marker, .. data];
        }
    }
}
