namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Text;
using RxTelnet.Session;

[TestFixture]
[NonParallelizable]
public sealed class TelnetListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static int OpenFileDescriptors() =>
        Directory.Exists("/proc/self/fd") ? Directory.GetFiles("/proc/self/fd").Length : -1;

    /// <summary>Starts a server that greets and closes; <paramref name="allClosed"/> completes once <paramref name="expected"/> of its sessions closed.</summary>
    private static TelnetListener StartGreeter(int expected, out Task allClosed)
    {
        var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        var closed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Sessions.Subscribe(session =>
        {
            session.State.Subscribe(s =>
            {
                if (s.IsClosed && Interlocked.Increment(ref closed) == expected)
                {
                    done.TrySetResult();
                }
            });
            _ = GreetAsync(session);
        });
        allClosed = done.Task;
        return listener;
    }

    private static async Task GreetAsync(TelnetSession session)
    {
        using (session)
        {
            await session.WriteTextAsync("hello\n");
        }
    }

    private static async Task<string> VisitAsync(int port)
    {
        await using var client = await TelnetClient.ConnectAsync("127.0.0.1", port, connectTimeout: Timeout);
        var all = await client.ReadAllAsync().WaitAsync(Timeout);
        return Encoding.ASCII.GetString(all);
    }

    [Test]
    public async Task Listener_ThousandSequentialSessions_AllServedNoLeak()
    {
        using var listener = StartGreeter(1001, out var allClosed);
        await VisitAsync(listener.LocalEndPoint.Port); // warm up
        var fdBefore = OpenFileDescriptors();

        for (var i = 0; i < 1000; i++)
        {
            Assert.That(await VisitAsync(listener.LocalEndPoint.Port), Is.EqualTo("hello\r\n"), $"session {i}");
        }

        await allClosed.WaitAsync(Timeout);
        Assert.That(listener.AcceptedCount, Is.EqualTo(1001));
        if (fdBefore >= 0)
        {
            // A session closes its transport before it reports Closed, so the sockets are gone by now.
            Assert.That(OpenFileDescriptors(), Is.LessThanOrEqualTo(fdBefore + 8), "sockets of finished sessions are released");
        }
    }

    [Test]
    public async Task Listener_TwoHundredConcurrentSessions_AllServedNoLeak()
    {
        using var listener = StartGreeter(201, out var allClosed);
        await VisitAsync(listener.LocalEndPoint.Port);
        var fdBefore = OpenFileDescriptors();

        var visits = Enumerable.Range(0, 200).Select(_ => VisitAsync(listener.LocalEndPoint.Port)).ToArray();
        var results = await Task.WhenAll(visits).WaitAsync(Timeout);

        Assert.That(results, Has.All.EqualTo("hello\r\n"));
        await allClosed.WaitAsync(Timeout);
        Assert.That(listener.AcceptedCount, Is.EqualTo(201));
        if (fdBefore >= 0)
        {
            // A session closes its transport before it reports Closed, so the sockets are gone by now.
            Assert.That(OpenFileDescriptors(), Is.LessThanOrEqualTo(fdBefore + 8), "sockets of finished sessions are released");
        }
    }

    [Test]
    public async Task Listener_Dispose_CompletesSessionsStreamAndRefusesConnections()
    {
        var listener = StartGreeter(1, out _);
        var port = listener.LocalEndPoint.Port;
        var completed = new TaskCompletionSource();
        listener.Sessions.Subscribe(_ => { }, () => completed.TrySetResult());

        listener.Dispose();

        await completed.Task.WaitAsync(Timeout);
        Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => TelnetClient.ConnectAsync("127.0.0.1", port, connectTimeout: Timeout));
    }
}
