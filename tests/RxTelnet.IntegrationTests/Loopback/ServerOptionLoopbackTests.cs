namespace RxTelnet.IntegrationTests.Loopback;

using System.Net;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// The server side of the README's recipe, over real sockets between two RxTelnet sessions: a listener that asks
/// the client for its window size, terminal types and environment, greets by what it learnt and wraps text at the
/// client's width as that changes; and the listener's answer to AYT.
/// </summary>
[TestFixture]
[CancelAfter(60_000)]
public sealed class ServerOptionLoopbackTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static readonly TelnetSessionOptions ServerOptions = new()
    {
        Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Naws, TelnetOption.TerminalType, TelnetOption.NewEnvironment),
    };

    /// <summary>Breaks <paramref name="text"/> into lines of at most <paramref name="width"/> characters at spaces.</summary>
    private static IEnumerable<string> Wrap(string text, int width)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear();
            }

            line.Append(line.Length > 0 ? " " : string.Empty).Append(word);
        }

        if (line.Length > 0)
        {
            yield return line.ToString();
        }
    }

    private const string Story = "the quick brown fox jumps over the lazy dog and runs away into the woods";

    [Test]
    public async Task Listener_LearnsTheClientsSizeTypesAndEnvironment_AndWrapsAtItsWidthAsItChanges()
    {
        using var listener = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), ServerOptions);
        var served = new TaskCompletionSource<(IReadOnlyList<string> Types, IReadOnlyDictionary<string, string> Environment)>(
            TaskCreationOptions.RunContinuationsAsynchronously);
        listener.Sessions.Subscribe(session => _ = ServeAsync(session));

        async Task ServeAsync(TelnetSession session)
        {
            try
            {
                await Task.WhenAll(
                    session.RequestRemoteAsync(TelnetOption.Naws, true),
                    session.RequestRemoteAsync(TelnetOption.TerminalType, true),
                    session.RequestRemoteAsync(TelnetOption.NewEnvironment, true));
                var types = await session.RemoteTerminalTypes.FirstAsync(t => t.Count == 2).ToTask().WaitAsync(Timeout);
                var environment = await session.RemoteEnvironment.FirstAsync().ToTask().WaitAsync(Timeout);
                var size = await session.RemoteWindowSizes.FirstAsync().ToTask().WaitAsync(Timeout);
                await session.WriteTextAsync($"hello {environment["USER"]} on {types[0]}, {size.Width}x{size.Height}\r\n");
                served.TrySetResult((types, environment));

                // Each new width re-wraps the same text: the replayed current value, then every change.
                await session.RemoteWindowSizes.Skip(1).Take(1)
                    .Select(s => Observable.FromAsync(() => session.WriteTextAsync(string.Join("\r\n", Wrap(Story, s.Width)) + "\r\n.\r\n")))
                    .Concat()
                    .ToTask()
                    .WaitAsync(Timeout);
            }
            catch (Exception e)
            {
                served.TrySetException(e);
            }
        }

        var sizes = new BehaviorSubject<WindowSize>(new WindowSize(80, 24));
        var clientOptions = new TelnetSessionOptions
        {
            Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Naws, TelnetOption.TerminalType, TelnetOption.NewEnvironment),
            TerminalTypes = ["XTERM-256COLOR", "VT100"],
            WindowSizes = sizes,
            Environment = [new NewEnvironVariable(NewEnvironVariableType.Var, "USER", "ada")],
        };
        using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, clientOptions, Timeout);

        var greeting = await client.ReadUntilAsync("\r\n"u8.ToArray(), Timeout);
        Assert.That(Encoding.ASCII.GetString(greeting), Is.EqualTo("hello ada on XTERM-256COLOR, 80x24\r\n"));
        var (types, environment) = await served.Task.WaitAsync(Timeout);
        Assert.That(types, Is.EqualTo(new[] { "XTERM-256COLOR", "VT100" }));
        Assert.That(environment, Is.EquivalentTo(new Dictionary<string, string> { ["USER"] = "ada" }));

        sizes.OnNext(new WindowSize(20, 24));
        var wrapped = Encoding.ASCII.GetString(await client.ReadUntilAsync(".\r\n"u8.ToArray(), Timeout)).Split("\r\n");
        Assert.That(wrapped[..^2], Is.EqualTo(Wrap(Story, 20).ToArray()));
        Assert.That(wrapped[..^2].Max(l => l.Length), Is.LessThanOrEqualTo(20));
    }

    [Test]
    public async Task Listener_AnswersAreYouThere_WithYesByDefault_AndWithTheConfiguredText()
    {
        using var plain = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0));
        using var custom = TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), new TelnetSessionOptions { AreYouThereReply = "still here\r\n" });

        foreach (var (listener, expected) in new[] { (plain, "\r\n[Yes]\r\n"), (custom, "still here\r\n") })
        {
            using var client = await TelnetClient.ConnectAsync("127.0.0.1", listener.LocalEndPoint.Port, connectTimeout: Timeout);
            await client.SendCommandAsync(TelnetVerb.AreYouThere);
            var answer = await client.ReadUntilAsync(Encoding.ASCII.GetBytes(expected[^3..]), Timeout);
            Assert.That(Encoding.ASCII.GetString(answer), Is.EqualTo(expected));
        }
    }
}
