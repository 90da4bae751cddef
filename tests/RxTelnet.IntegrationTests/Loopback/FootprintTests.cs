namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using RxTelnet.Session;

/// <summary>
/// What an idle connection costs: the aim is 10,000 concurrent sessions to our own listener in under 1 GiB, so a
/// server session plus its client may keep at most ~100 KiB of managed memory while idle.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FootprintTests
{
    private const int Sessions = 1_000;
    private const long BudgetPerPair = 100 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task IdleSessions_ClientAndServerSide_StayUnderTheTenThousandSessionBudget()
    {
        var served = new List<TelnetSession>();
        var allServed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using var subscription = listener.Sessions.Subscribe(session =>
        {
            lock (served)
            {
                served.Add(session);
                if (served.Count == Sessions + 1)
                {
                    allServed.TrySetResult();
                }
            }
        });

        // One pair first, so that one-off costs (thread pool, type loading, the listener) are not counted.
        var clients = new List<TelnetSession> { await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, connectTimeout: Timeout) };
        var before = GC.GetTotalMemory(forceFullCollection: true);
        try
        {
            for (var i = 0; i < Sessions; i++)
            {
                clients.Add(await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, connectTimeout: Timeout));
            }

            await allServed.Task.WaitAsync(Timeout);
            var perPair = (GC.GetTotalMemory(forceFullCollection: true) - before) / Sessions;
            TestContext.Out.WriteLine($"idle footprint: {perPair:N0} bytes per client+server pair; 10,000 pairs: {perPair * 10_000 / (1024.0 * 1024):N0} MiB");

            Assert.That(perPair, Is.LessThan(BudgetPerPair), "10,000 idle pairs must fit in 1 GiB of managed memory");
            Assert.That(clients.Concat(served).All(s => s.CurrentState.Status == TelnetSessionStatus.Open), Is.True, "all still open while measured");
        }
        finally
        {
            foreach (var session in clients.Concat(served))
            {
                await session.DisposeAsync();
            }
        }
    }
}
