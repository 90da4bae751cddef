namespace RxTelnet.Tests.Transport;

using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using RxTelnet.Transport;

/// <summary>
/// The transports' own awaits never resume on the caller's <see cref="SynchronizationContext"/>: an application that
/// starts a connect, an accept or a send on a UI thread and blocks on it must not deadlock, so nothing the transport
/// awaits may be posted back to that context.
/// </summary>
[TestFixture]
public sealed class SynchronizationContextTests
{
    private static readonly TimeSpan Patience = Loopback.Patience;

    [Test]
    public async Task StreamTransport_SendAsync_WriteCompletingLater_PostsNothingToTheCallersContext()
    {
        var stream = new GatedStream(gateWrite: true, gateFlush: false);
        using var transport = new StreamTransport(stream, ownsStream: false);
        var context = new CountingContext();

        var send = RunUnder(context, () => transport.SendAsync(new byte[] { 1 }).AsTask());
        stream.Open();
        await send.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    [Test]
    public async Task StreamTransport_SendAsync_FlushCompletingLater_PostsNothingToTheCallersContext()
    {
        var stream = new GatedStream(gateWrite: false, gateFlush: true);
        using var transport = new StreamTransport(stream, ownsStream: false);
        var context = new CountingContext();

        var send = RunUnder(context, () => transport.SendAsync(new byte[] { 1 }).AsTask());
        stream.Open();
        await send.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    [Test]
    public async Task TlsTransport_AcceptAsync_PostsNothingToTheCallersContext()
    {
        var (client, server) = await Loopback.ConnectPairAsync();
        var context = new CountingContext();

        // The server's handshake waits for the client's first message, which is sent only after this returns.
        var accepting = RunUnder(context, () => TlsTransport.AcceptAsync(server, TestCertificate.Value));
        await using var peer = new SslStream(new NetworkStream(client, ownsSocket: true));
        await peer.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = Trust }).WaitAsync(Patience);
        using var transport = await accepting.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    [Test]
    public async Task SocketTransport_ConnectAsync_PostsNothingToTheCallersContext()
    {
        using var listener = Loopback.Listen();
        var context = new CountingContext();

        var connecting = RunUnder(context, () => SocketTransport.ConnectAsync("127.0.0.1", Loopback.PortOf(listener)));
        using var accepted = await listener.AcceptAsync().WaitAsync(Patience);
        using var transport = await connecting.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    [Test]
    public async Task TlsTransport_ConnectAsync_PostsNothingToTheCallersContext()
    {
        using var listener = Loopback.Listen();
        var context = new CountingContext();

        var connecting = RunUnder(context, () => TlsTransport.ConnectAsync("127.0.0.1", Loopback.PortOf(listener), Trust));
        var accepted = await listener.AcceptAsync().WaitAsync(Patience);
        using var server = await TlsTransport.AcceptAsync(accepted, TestCertificate.Value).WaitAsync(Patience);
        using var transport = await connecting.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    [Test]
    public async Task TlsTransport_ConnectFinishingLater_ResumesWithoutTheCallersContext()
    {
        // A loopback connect can finish before the handshake awaits it, and then nothing is posted either way: here
        // the test finishes the connect itself, after the caller's context is captured or not.
        using var listener = Loopback.Listen();
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, Loopback.PortOf(listener)).WaitAsync(Patience);
        var accepted = await listener.AcceptAsync().WaitAsync(Patience);
        var connect = new TaskCompletionSource<SocketTransport>(TaskCreationOptions.RunContinuationsAsynchronously);
        var context = new CountingContext();

        var connecting = RunUnder(context, () => TlsTransport.AuthenticateAsClientAsync(connect.Task, "127.0.0.1", 23, Trust, null, default));
        connect.SetResult(new SocketTransport(socket));
        using var server = await TlsTransport.AcceptAsync(accepted, TestCertificate.Value).WaitAsync(Patience);
        using var transport = await connecting.WaitAsync(Patience);

        Assert.That(context.Posts, Is.Zero);
    }

    private static bool Trust(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificate.Value.GetCertHashString();

    private static T RunUnder<T>(SynchronizationContext context, Func<T> start)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            return start();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    /// <summary>Counts what is posted to it, and runs it on the thread pool so nothing hangs.</summary>
    private sealed class CountingContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ => d(state));
        }

        public override void Send(SendOrPostCallback d, object? state) => d(state);
    }

    /// <summary>A stream whose write or flush completes only when the test opens the gate, on the test's thread.</summary>
    private sealed class GatedStream(bool gateWrite, bool gateFlush) : Stream
    {
        private readonly TaskCompletionSource _gate = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Open() => _gate.SetResult();

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(0);

        public override int Read(byte[] buffer, int offset, int count) => 0;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            gateWrite ? new ValueTask(_gate.Task) : ValueTask.CompletedTask;

        public override Task FlushAsync(CancellationToken cancellationToken) => gateFlush ? _gate.Task : Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count)
        {
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
