namespace RxTelnet.IntegrationTests.Reliability;

using System.Net;
using System.Reactive.Threading.Tasks;
using RxTelnet.Negotiation;
using RxTelnet.Session;
using RxTelnet.Tests;

/// <summary>Bounded concurrency loops over loopback TCP (a few seconds in all).</summary>
[TestFixture]
[NonParallelizable]
public sealed class StressTests : LeakCheckedTest
{
    [Test]
    public async Task ManyWriters_Loopback_EachWriteArrivesWhole()
    {
        const int writers = 8;
        const int perWriter = 250;
        var log = new RecordLog(writers * perWriter);
        using var listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions { Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(Records.Option) });
        var serverSession = new TaskCompletionSource<TelnetSession>(TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Sessions.Subscribe(s =>
        {
            s.Events.Subscribe(log.OnEvent);
            serverSession.TrySetResult(s);
        });
        await using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, connectTimeout: Deadline);
        await using var server = await serverSession.Task.WaitAsync(Deadline);
        Assert.That(await client.RequestLocal(Records.Option, true).ToTask().WaitAsync(Deadline), Is.True, "subnegotiations need the option agreed");

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                await client.SendSubnegotiationAsync(Records.Option, Records.Subnegotiation(w, i));
                await client.WriteAsync(Records.Data(w, i));
            }
        }));
        await Task.WhenAll(tasks).WaitAsync(Deadline);
        await log.Complete.WaitAsync(Deadline);

        log.AssertIntact(writers, perWriter);
    }

    [Test]
    public async Task Dispose_RacingWithReads_Loopback_OnlyDocumentedOutcomes()
    {
        const int iterations = 50;
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Sessions.Subscribe(static s => _ = s.WriteAsync(B("partial answer")));
        var outcomes = new Dictionary<string, int>();
        for (var i = 0; i < iterations; i++)
        {
            var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, connectTimeout: Deadline);
            var read = client.ReadUntilAsync(B("END"));
            var write = Task.Run(() => client.WriteAsync(B("hello")));
            await Task.Run(i % 2 == 0 ? client.Dispose : () => client.DisposeAsync().AsTask().Wait()).WaitAsync(Deadline);

            foreach (var (what, task) in new[] { ("read", (Task)read), ("write", write) })
            {
                string outcome;
                try
                {
                    await task.WaitAsync(Deadline);
                    outcome = "ok";
                }
                catch (TimeoutException)
                {
                    outcome = "HUNG";
                }
                catch (Exception ex)
                {
                    outcome = ex.GetType().Name;
                }

                var key = $"{what}: {outcome}";
                outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
            }
        }

        TestContext.Out.WriteLine(string.Join("\n", outcomes.OrderBy(static o => o.Key).Select(static o => $"{o.Key} x{o.Value}")));
        Assert.That(outcomes.Keys, Is.SubsetOf(new[] { "read: ok", "read: TelnetEofException", "write: ok", "write: TelnetClosedException" }));
    }
}
