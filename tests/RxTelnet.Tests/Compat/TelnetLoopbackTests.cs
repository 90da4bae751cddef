namespace RxTelnet.Tests.Compat;

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using RxTelnet.Compat;
using static RxTelnet.Compat.TelnetConstants;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>CPython's <c>GeneralTests</c> and a scripted login, over real TCP on the loopback interface.</summary>
[TestFixture]
public sealed class TelnetLoopbackTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private TcpListener _listener = null!;

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    [SetUp]
    public void StartListener()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
    }

    [TearDown]
    public void StopListener() => _listener.Dispose();

    [Test]
    public async Task Constructor_Connects()
    {
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(telnet.GetSocket(), Is.Not.Null);
        Assert.That(telnet.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(telnet.Port, Is.EqualTo(Port));
        Assert.That(telnet.Eof, Is.False);
    }

    [Test]
    public async Task ContextManager_ClosesTheSocket()
    {
        var accept = _listener.AcceptSocketAsync();
        var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);
        using (telnet)
        {
            Assert.That(telnet.GetSocket(), Is.Not.Null);
        }

        Assert.That(telnet.GetSocket(), Is.Null);
        Assert.That(await ReceiveAsync(server, 1), Is.Empty, "the server sees the connection end");
    }

    [Test]
    public async Task Timeout_NotGiven_IsNone()
    {
        // telnetlib falls back to socket.getdefaulttimeout(); .NET has no process-wide default, so no timeout.
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(telnet.Timeout, Is.Null);
        Assert.That(telnet.GetSocket()!.ReceiveTimeout, Is.Zero);
    }

    [Test]
    public async Task Timeout_None_IsNone()
    {
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port, timeout: null)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(telnet.Timeout, Is.Null);
        Assert.That(telnet.GetSocket()!.SendTimeout, Is.Zero);
    }

    [Test]
    public async Task Timeout_Given_IsTheSocketTimeout()
    {
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port, TimeSpan.FromSeconds(30))).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(telnet.Timeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(telnet.GetSocket()!.ReceiveTimeout, Is.EqualTo(30_000));
        Assert.That(telnet.GetSocket()!.SendTimeout, Is.EqualTo(30_000));
    }

    [Test]
    public async Task Timeout_GivenToOpen_IsTheSocketTimeout()
    {
        var accept = _listener.AcceptSocketAsync();
        using var telnet = new Telnet();
        await telnet.OpenAsync("127.0.0.1", Port, TimeSpan.FromSeconds(30)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(telnet.Timeout, Is.EqualTo(TimeSpan.FromSeconds(30)));
        Assert.That(telnet.GetSocket()!.ReceiveTimeout, Is.EqualTo(30_000));
    }

    [Test]
    public async Task Getters_ReturnTheSocketAndItsHandle()
    {
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        var socket = telnet.GetSocket();
        Assert.That(socket, Is.Not.Null);
        Assert.That(telnet.FileNo(), Is.EqualTo(socket!.Handle));
        Assert.That(telnet.FileNo(), Is.Not.EqualTo((nint)(-1)));

        telnet.Close();

        Assert.That(telnet.GetSocket(), Is.Null);
        Assert.That(telnet.FileNo(), Is.EqualTo((nint)(-1)));
    }

    [Test]
    public async Task FileNo_AfterTheSocketIsClosed_IsMinusOne()
    {
        // Python: tn.get_socket().close(); tn.fileno() is -1, the fileno() of a closed socket.
        var accept = _listener.AcceptSocketAsync();
        using var telnet = await Task.Run(() => new Telnet("127.0.0.1", Port)).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);
        var socket = telnet.GetSocket()!;
        Assert.That(telnet.FileNo(), Is.Not.EqualTo((nint)(-1)));

        socket.Close();

        Assert.That(telnet.GetSocket(), Is.SameAs(socket), "the instance was not closed, only its socket");
        Assert.That(telnet.FileNo(), Is.EqualTo((nint)(-1)), "not the handle the socket had");
    }

    [Test]
    public async Task Open_AfterClose_DisposesThePreviousTransport()
    {
        var previous = new DisposalRecordingTransport();
        using var telnet = new Telnet(previous);
        telnet.Close();
        Assert.That(previous.DisposeCalls, Is.Zero, "Close only closes");

        var accept = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        Assert.That(previous.DisposeCalls, Is.EqualTo(1), "the new connection replaces the old one, which is released");
        telnet.Dispose();
        Assert.That(previous.DisposeCalls, Is.EqualTo(1), "and not released twice");
    }

    [Test]
    public async Task Open_Twice_Throws_ButReopenAfterCloseWorks()
    {
        using var telnet = new Telnet();
        var accept = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var first = await accept.WaitAsync(Patience);

        Assert.ThrowsAsync<InvalidOperationException>(() => telnet.OpenAsync("127.0.0.1", Port));

        telnet.Close();
        accept = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var second = await accept.WaitAsync(Patience);
        await SendAsync(second, B("again"));

        Assert.That(S(await telnet.ReadUntilAsync(B("again")).WaitAsync(Patience)), Is.EqualTo("again"));
        Assert.That(telnet.Eof, Is.False);
    }

    [Test]
    public async Task Close_ForgetsASplitCommandAndAnOpenSubnegotiation()
    {
        // telnetlib's close sets iacseq = b'' and sb = 0: what the next connection sends is data again.
        using var telnet = new Telnet();
        var accept = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using (var first = await accept.WaitAsync(Patience))
        {
            await SendAsync(first, Cat(B("x"), [IAC, SB, TTYPE, (byte)'a', IAC]));
            Assert.That(S(await telnet.ReadUntilAsync(B("x")).WaitAsync(Patience)), Is.EqualTo("x"));
        }

        telnet.Close();
        accept = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var second = await accept.WaitAsync(Patience);
        await SendAsync(second, B("data"));
        second.Shutdown(SocketShutdown.Both);

        Assert.That(S(await telnet.ReadAllAsync().WaitAsync(Patience)), Is.EqualTo("data"));
    }

    [Test]
    public async Task Open_PortZero_MeansTelnetPort()
    {
        using var telnet = new Telnet();
        try
        {
            await telnet.OpenAsync("127.0.0.1", 0, TimeSpan.FromSeconds(5)).WaitAsync(Patience);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException)
        {
            // Nothing listens on 23 here, usually: only the port matters.
        }

        Assert.That(telnet.Port, Is.EqualTo(23));
    }

    [Test]
    public void Open_Refused_ThrowsSocketException()
    {
        var port = Port;
        _listener.Stop();
        using var telnet = new Telnet();

        Assert.ThrowsAsync(Is.InstanceOf<SocketException>(), () => telnet.OpenAsync("127.0.0.1", port).WaitAsync(Patience));
        Assert.That(telnet.GetSocket(), Is.Null);
    }

    [Test]
    public void Open_Refused_TheActivityEndsInError()
    {
        var port = Port;
        _listener.Stop();
        using var activities = new TelnetLifetimeTests.ActivityRecorder();
        using var telnet = new Telnet();

        var error = Assert.CatchAsync<SocketException>(() => telnet.OpenAsync("127.0.0.1", port).WaitAsync(Patience));

        var activity = activities.Stopped.Single(a => a.OperationName == TelnetAudit.OpenEventName && (int?)a.GetTagItem(TelnetAudit.PortTag) == port);
        Assert.That(activity.Status, Is.EqualTo(ActivityStatusCode.Error));
        Assert.That(activity.StatusDescription, Is.EqualTo(error!.Message));
    }

    [Test]
    public async Task Open_RaisesAuditEventAndActivity()
    {
        using var audit = new TelnetLifetimeTests.AuditRecorder();
        using var activities = new TelnetLifetimeTests.ActivityRecorder();
        using var telnet = new Telnet();
        var accept = _listener.AcceptSocketAsync();

        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        var open = audit.Events.Single(e => e.Key == TelnetAudit.OpenEventName && ((TelnetOpenAuditEvent)e.Value!).Telnet == telnet);
        Assert.That(open.Value, Is.EqualTo(new TelnetOpenAuditEvent(telnet, "127.0.0.1", Port)));
        var activity = activities.Stopped.Single(a => a.OperationName == TelnetAudit.OpenEventName && (int?)a.GetTagItem(TelnetAudit.PortTag) == Port);
        Assert.That(activity.GetTagItem(TelnetAudit.HostTag), Is.EqualTo("127.0.0.1"));
    }

    [Test]
    public async Task Close_WhileOpening_ClosesTheNewConnection_ThenOpenWorksAgain()
    {
        using var telnet = new Telnet();
        using (new OpenHook(telnet, telnet.Close))
        {
            var accept = _listener.AcceptSocketAsync();
            var error = Assert.ThrowsAsync<TelnetClosedException>(() => telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience));
            Assert.That(error!.Message, Does.Contain($"127.0.0.1:{Port}"));
            using var abandoned = await accept.WaitAsync(Patience);
            Assert.That(await ReceiveAsync(abandoned, 1), Is.Empty, "the connection made after the close was closed");
            Assert.That(telnet.GetSocket(), Is.Null);
            Assert.That(telnet.Eof, Is.True);
        }

        var again = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var server = await again.WaitAsync(Patience);
        Assert.That(telnet.GetSocket(), Is.Not.Null, "a close during an earlier open does not close later ones");
    }

    [Test]
    public async Task Dispose_WhileOpening_ClosesTheNewConnection_AndOpenThrowsDisposed()
    {
        var telnet = new Telnet();
        using (new OpenHook(telnet, telnet.Dispose))
        {
            var accept = _listener.AcceptSocketAsync();
            Assert.ThrowsAsync<ObjectDisposedException>(() => telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience));
            using var abandoned = await accept.WaitAsync(Patience);
            Assert.That(await ReceiveAsync(abandoned, 1), Is.Empty);
        }

        Assert.That(telnet.GetSocket(), Is.Null);
    }

    [Test]
    public async Task Open_WhileOpening_Throws_AndTheFirstOpenGoesOn()
    {
        using var telnet = new Telnet();
        Task? second = null;
        using (new OpenHook(telnet, () => second ??= telnet.OpenAsync("127.0.0.1", Port)))
        {
            var accept = _listener.AcceptSocketAsync();
            await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
            using var server = await accept.WaitAsync(Patience);
        }

        Assert.That(second!.Exception?.InnerException, Is.TypeOf<InvalidOperationException>().With.Message.Contains("already opening"));
        Assert.That(telnet.GetSocket(), Is.Not.Null);
        telnet.Close();
        var again = _listener.AcceptSocketAsync();
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var next = await again.WaitAsync(Patience);
        Assert.That(telnet.GetSocket(), Is.Not.Null, "the finished open is no longer in progress");
    }

    [Test]
    public async Task ScriptedLogin_Synchronous()
    {
        var accept = _listener.AcceptSocketAsync();
        var port = Port;
        var client = Task.Run(() =>
        {
            using var telnet = new Telnet("127.0.0.1", port);
            var banner = telnet.ReadUntil(B("login: "), Patience);
            telnet.Write(B("guest\r\n"));
            var prompt = telnet.Expect([@"[Pp]assword: "], Patience);
            telnet.Write(B("secret\r\n"));
            var rest = telnet.ReadAll();
            return (Banner: S(banner), PromptIndex: prompt.Index, Remainder: S(rest), Eof: telnet.Eof);
        });
        using var server = await accept.WaitAsync(Patience);

        await SendAsync(server, Cat(B("Welcome\r\n"), [IAC, DO, TTYPE], B("login: ")));
        Assert.That(await ReceiveAsync(server, 3 + 7), Is.EqualTo(Cat([IAC, WONT, TTYPE], B("guest\r\n"))), "telnetlib refuses DO TTYPE, then the user name");
        await SendAsync(server, B("Password: "));
        Assert.That(S(await ReceiveAsync(server, 8)), Is.EqualTo("secret\r\n"));
        await SendAsync(server, B("Last login: never\r\n$ bye\r\n"));
        server.Shutdown(SocketShutdown.Both);
        server.Close();

        var result = await client.WaitAsync(Patience);
        Assert.That(result.Banner, Is.EqualTo("Welcome\r\nlogin: "));
        Assert.That(result.PromptIndex, Is.Zero);
        Assert.That(result.Remainder, Is.EqualTo("Last login: never\r\n$ bye\r\n"));
        Assert.That(result.Eof, Is.True);
    }

    [Test]
    public async Task ScriptedSession_Asynchronous_WithCallbackAndSbData()
    {
        var accept = _listener.AcceptSocketAsync();
        await using var telnet = new Telnet();
        var sbSeen = new List<byte>();
        telnet.SetOptionNegotiationCallback((sock, cmd, opt) =>
        {
            if (cmd == DO && opt == TTYPE)
            {
                // What telnetlib callbacks do: answer on the socket directly.
                sock!.Send([IAC, WILL, TTYPE]);
            }
            else if (cmd == SE)
            {
                lock (sbSeen)
                {
                    sbSeen.AddRange(telnet.ReadSbData());
                }
            }
        });
        await telnet.OpenAsync("127.0.0.1", Port).WaitAsync(Patience);
        using var server = await accept.WaitAsync(Patience);

        var prompt = telnet.ReadUntilAsync(B("> "));
        await SendAsync(server, [IAC, DO, TTYPE]);
        Assert.That(await ReceiveAsync(server, 3), Is.EqualTo(new byte[] { IAC, WILL, TTYPE }));
        await SendAsync(server, Cat([IAC, SB, TTYPE, 1, IAC, SE], B("ready> ")));
        Assert.That(S(await prompt.WaitAsync(Patience)), Is.EqualTo("ready> "));
        lock (sbSeen)
        {
            Assert.That(sbSeen, Is.EqualTo(new byte[] { TTYPE, 1 }));
        }

        await telnet.WriteAsync(B("quit\r\n"));
        Assert.That(S(await ReceiveAsync(server, 6)), Is.EqualTo("quit\r\n"));
        server.Shutdown(SocketShutdown.Send);

        Assert.That(await telnet.ReadAllAsync().WaitAsync(Patience), Is.Empty);
        Assert.That(telnet.Eof, Is.True);
        Assert.Throws<TelnetEofException>(() => telnet.ReadEager());
    }

    /// <summary>Runs an action when <paramref name="telnet"/> raises its open audit event: in the middle of its open, before the connect.</summary>
    private sealed class OpenHook : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly Telnet _telnet;
        private readonly Action _action;
        private readonly IDisposable _all;
        private IDisposable? _one;

        public OpenHook(Telnet telnet, Action action)
        {
            _telnet = telnet;
            _action = action;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == TelnetAudit.SourceName)
            {
                _one = value.Subscribe(this);
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Key == TelnetAudit.OpenEventName && value.Value is TelnetOpenAuditEvent open && ReferenceEquals(open.Telnet, _telnet))
            {
                _action();
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _one?.Dispose();
            _all.Dispose();
        }
    }

    private static async Task SendAsync(Socket socket, byte[] data)
    {
        using var cts = new CancellationTokenSource(Patience);
        await socket.SendAsync(data, SocketFlags.None, cts.Token);
    }

    /// <summary>Receives exactly <paramref name="count"/> bytes, or fewer if the peer closes first.</summary>
    private static async Task<byte[]> ReceiveAsync(Socket socket, int count)
    {
        using var cts = new CancellationTokenSource(Patience);
        var buffer = new byte[count];
        var have = 0;
        while (have < count)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(have), SocketFlags.None, cts.Token);
            if (n == 0)
            {
                break;
            }

            have += n;
        }

        return buffer[..have];
    }
}
