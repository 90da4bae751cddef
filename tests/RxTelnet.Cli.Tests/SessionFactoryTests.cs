namespace RxTelnet.Cli.Tests;

using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>NAWS and TTYPE as the client offers them, in virtual time over an in-memory connection.</summary>
[TestFixture]
public sealed class SessionFactoryTests
{
    [Test]
    public void Terminal_WithSizeAndTerm_SendsNawsAndTtypeAndFollowsResizes()
    {
        var scheduler = new TestScheduler();
        var terminal = new FakeTerminal { IsOutputTerminal = true, TerminalType = "xterm-256color", WindowSize = new WindowSize(80, 24) };
        var (client, server, seen) = StartPair(terminal, scheduler);
        using var disposeClient = client;
        using var disposeServer = server;

        using var naws = server.RequestRemote(TelnetOption.Naws, true).Subscribe();
        using var ttype = server.RequestRemote(TelnetOption.TerminalType, true).Subscribe();
        // The server asks for the terminal type by itself once TTYPE is agreed, and again until a name repeats.
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);
        terminal.WindowSize = new WindowSize(120, 40);
        scheduler.AdvanceBy(SessionFactory.WindowPollInterval.Ticks);
        scheduler.AdvanceBy(SessionFactory.WindowPollInterval.Ticks);

        Assert.That(seen, Is.EqualTo(new[]
        {
            "WILL 31 (Naws)",
            "SB 31 (Naws) [00 50 00 18]",
            "WILL 24 (TerminalType)",
            "SB 24 (TerminalType) [00 58 54 45 52 4D 2D 32 35 36 43 4F 4C 4F 52]",
            "SB 24 (TerminalType) [00 58 54 45 52 4D 2D 32 35 36 43 4F 4C 4F 52]",
            "SB 31 (Naws) [00 78 00 28]",
        }));
    }

    [Test]
    public void Redirected_NoTerm_RefusesNawsAndTtypeButLetsTheServerEcho()
    {
        var scheduler = new TestScheduler();
        var terminal = new FakeTerminal { WindowSize = new WindowSize(80, 24) };
        var (client, server, seen) = StartPair(terminal, scheduler);
        using var disposeClient = client;
        using var disposeServer = server;

        using var naws = server.RequestRemote(TelnetOption.Naws, true).Subscribe();
        using var ttype = server.RequestRemote(TelnetOption.TerminalType, true).Subscribe();
        using var echo = server.RequestLocal(TelnetOption.Echo, true).Subscribe();
        scheduler.AdvanceBy(TimeSpan.FromMilliseconds(10).Ticks);

        Assert.Multiple(() =>
        {
            Assert.That(seen, Is.EqualTo(new[] { "WONT 31 (Naws)", "WONT 24 (TerminalType)", "DO 1 (Echo)" }));
            Assert.That(client.IsRemoteEnabled(TelnetOption.Echo), Is.True);
        });
    }

    /// <summary>
    /// Starts a client session with <see cref="SessionFactory.CreateOptions"/> for <paramref name="terminal"/> and a
    /// server session for it over an in-memory pair; <c>seen</c> records the commands the server receives.
    /// </summary>
    private static (TelnetSession Client, TelnetSession Server, List<string> Seen) StartPair(FakeTerminal terminal, TestScheduler scheduler)
    {
        var (clientEnd, serverEnd) = InMemoryTransport.CreatePair(scheduler);
        var client = new TelnetSession(clientEnd, SessionFactory.CreateOptions(terminal, scheduler));
        var server = new TelnetSession(serverEnd, ServerOptions(scheduler));
        var seen = new List<string>();
        server.Commands.Subscribe(c => seen.Add(c.ToString()));
        server.Start();
        client.Start();
        return (client, server, seen);
    }

    /// <summary>A server that wants what it asks for: NAWS and TTYPE from the client, ECHO on its own side.</summary>
    private static TelnetSessionOptions ServerOptions(TestScheduler scheduler) => new()
    {
        Scheduler = scheduler,
        Policy = new TelnetOptionPolicy().AllowRemote(TelnetOption.Naws, TelnetOption.TerminalType).AllowLocal(TelnetOption.Echo),
    };
}
