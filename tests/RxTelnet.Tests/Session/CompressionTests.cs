namespace RxTelnet.Tests.Session;

using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// MCCP2 (the server compresses what it sends) and MCCP3 (the client does) between two sessions in virtual time: what
/// one side writes is compressed on the wire and read back intact, at every chunking of the wire, and each stream
/// ends cleanly when the option is turned off.
/// </summary>
[TestFixture]
public sealed class CompressionTests : ReactiveTest
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private static readonly TelnetSessionOptions ServerOptions = new()
    {
        Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.Compress2, TelnetOption.Compress3),
    };

    private static readonly TelnetSessionOptions ClientOptions = new()
    {
        Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2, TelnetOption.Compress3),
    };

    private sealed class Pair : IDisposable
    {
        public Pair()
        {
            var (client, server) = InMemoryTransport.CreatePair(Scheduler);
            Client = new TelnetSession(client, ClientOptions with { Scheduler = Scheduler });
            Server = new TelnetSession(server, ServerOptions with { Scheduler = Scheduler });
            Client.RawSent.Subscribe(b => ClientWire.AddRange(b));
            Server.RawSent.Subscribe(b => ServerWire.AddRange(b));
            Client.Start();
            Server.Start();
        }

        public TestScheduler Scheduler { get; } = new();

        public TelnetSession Client { get; }

        public TelnetSession Server { get; }

        public List<byte> ClientWire { get; } = [];

        public List<byte> ServerWire { get; } = [];

        public bool Agree(TelnetOption option)
        {
            var agreed = Server.RequestLocal(option, true).Replay();
            using var _ = agreed.Connect();
            Scheduler.AdvanceBy(1000);
            return agreed.FirstAsync().Wait();
        }

        public string Read(TelnetSession reader, string until)
        {
            var read = reader.ReadUntilAsync(Encoding.ASCII.GetBytes(until), Timeout);
            Scheduler.AdvanceBy(1000);
            Assert.That(read.IsCompletedSuccessfully, Is.True, $"read until {until}: {read.Status}");
            return Encoding.ASCII.GetString(read.Result);
        }

        public void Write(TelnetSession writer, string text)
        {
            var write = writer.WriteTextAsync(text);
            Scheduler.AdvanceBy(1000);
            Assert.That(write.IsCompletedSuccessfully, Is.True);
        }

        public void Dispose()
        {
            Client.Dispose();
            Server.Dispose();
        }
    }

    private static readonly string Text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog. ", 40)) + "\r\n$ ";

    private static bool Contains(List<byte> wire, string text) => wire.ToArray().AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    [Test]
    public void Mccp2_ServerCompressesWhatItSends_ClientReadsItIntact()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress2), Is.True);
        pair.Write(pair.Server, Text);

        Assert.That(pair.Read(pair.Client, "$ "), Is.EqualTo(Text));
        var wire = pair.ServerWire.ToArray();
        Assert.That(wire.AsSpan().IndexOf(new byte[] { 255, 250, 86, 255, 240 }), Is.GreaterThanOrEqualTo(0), "the start marker goes out plain");
        Assert.That(Contains(pair.ServerWire, "quick brown fox"), Is.False, "the text is not on the wire in the clear");
        Assert.That(wire.Length, Is.LessThan(Text.Length / 4), "repetitive text shrinks");
        Assert.That(Contains(pair.ClientWire, "quick"), Is.False, "the client does not compress under MCCP2");
    }

    [Test]
    public void Mccp3_ClientCompressesWhatItSends_ServerReadsItIntact()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress3), Is.True);
        Assert.That(pair.ClientWire.ToArray().AsSpan().IndexOf(new byte[] { 255, 250, 87, 255, 240 }), Is.GreaterThanOrEqualTo(0), "the client's start marker");

        pair.Write(pair.Client, Text);
        Assert.That(pair.Read(pair.Server, "$ "), Is.EqualTo(Text));
        Assert.That(Contains(pair.ClientWire, "quick brown fox"), Is.False);

        // And the server still sends plain text.
        pair.Write(pair.Server, "plain reply\r\n");
        Assert.That(pair.Read(pair.Client, "\r\n"), Is.EqualTo("plain reply\r\n"));
        Assert.That(Contains(pair.ServerWire, "plain reply"), Is.True);
    }

    [Test]
    public void BothWays_AtOnce_EachSideReadsTheOther()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress2), Is.True);
        Assert.That(pair.Agree(TelnetOption.Compress3), Is.True);

        for (var i = 0; i < 5; i++)
        {
            pair.Write(pair.Server, $"line {i} from the server {Text}");
            pair.Write(pair.Client, $"line {i} from the client {Text}");
            Assert.That(pair.Read(pair.Client, "$ "), Is.EqualTo($"line {i} from the server {Text}"));
            Assert.That(pair.Read(pair.Server, "$ "), Is.EqualTo($"line {i} from the client {Text}"));
        }

        Assert.That(Contains(pair.ServerWire, "from the server"), Is.False);
        Assert.That(Contains(pair.ClientWire, "from the client"), Is.False);
    }

    [Test]
    public void Mccp2_TurnedOffByTheClient_TheStreamEndsAndTextGoesPlainAgain()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress2), Is.True);
        pair.Write(pair.Server, "compressed\r\n");
        Assert.That(pair.Read(pair.Client, "\r\n"), Is.EqualTo("compressed\r\n"));

        var off = pair.Client.RequestRemoteAsync(TelnetOption.Compress2, false);
        pair.Scheduler.AdvanceBy(1000);
        Assert.That(off.Result, Is.False);
        Assert.That(pair.Server.IsLocalEnabled(TelnetOption.Compress2), Is.False);

        pair.Write(pair.Server, "plain again\r\n");
        Assert.That(pair.Read(pair.Client, "\r\n"), Is.EqualTo("plain again\r\n"));
        Assert.That(Contains(pair.ServerWire, "plain again"), Is.True, "after the zlib stream ended, text is plain");
        Assert.That(Contains(pair.ServerWire, "compressed"), Is.False);
    }

    [Test]
    public void Mccp3_TurnedOffByTheServer_TheClientEndsItsStream()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress3), Is.True);
        pair.Write(pair.Client, "squeezed\r\n");
        Assert.That(pair.Read(pair.Server, "\r\n"), Is.EqualTo("squeezed\r\n"));

        var off = pair.Server.RequestLocalAsync(TelnetOption.Compress3, false);
        pair.Scheduler.AdvanceBy(1000);
        Assert.That(off.Result, Is.False);
        pair.Write(pair.Client, "open text\r\n");
        Assert.That(pair.Read(pair.Server, "\r\n"), Is.EqualTo("open text\r\n"));
        Assert.That(Contains(pair.ClientWire, "open text"), Is.True);
    }

    /// <summary>Feeds a recorded wire to a fresh reader in the given chunks and returns what it reads as data.</summary>
    private static string Replay(byte[] wire, TelnetSessionOptions options, TelnetOption? agreeLocal, IEnumerable<byte[]> chunks)
    {
        var scheduler = new TestScheduler();
        var messages = chunks.Select((c, i) => OnNext(100 + i, c)).ToArray();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        using var session = new TelnetSession(transport, options with { Scheduler = scheduler });
        var data = new StringBuilder();
        session.Data.Subscribe(d => data.Append(Encoding.Latin1.GetString(d.Span)));
        session.Start();
        if (agreeLocal is { } option)
        {
            // Our WILL goes nowhere; the recorded DO in the wire completes the agreement.
            session.RequestLocal(option, true).Subscribe();
        }

        scheduler.AdvanceTo(100_000);
        Assert.That(session.CurrentState.Error, Is.Null, "the stream inflated without error");
        return data.ToString();
    }

    private static IEnumerable<byte[]> Split(byte[] wire, params int[] cuts)
    {
        var at = 0;
        foreach (var cut in cuts.Order())
        {
            yield return wire[at..cut];
            at = cut;
        }

        yield return wire[at..];
    }

    [Test]
    public void Mccp2_TheServersWire_ReadsTheSameAtEveryChunking()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress2), Is.True);
        pair.Write(pair.Server, "one\r\n");
        _ = pair.Server.WriteAsync(Encoding.Latin1.GetBytes("two \xff\r\n")); // an IAC, escaped inside the compressed stream
        var off = pair.Client.RequestRemoteAsync(TelnetOption.Compress2, false);
        pair.Scheduler.AdvanceBy(1000);
        pair.Write(pair.Server, "three\r\n");
        var wire = pair.ServerWire.ToArray();
        const string Expected = "one\r\ntwo \xff\r\nthree\r\n";

        Assert.That(Replay(wire, ClientOptions, null, [wire]), Is.EqualTo(Expected));
        for (var i = 1; i < wire.Length; i++)
        {
            Assert.That(Replay(wire, ClientOptions, null, Split(wire, i)), Is.EqualTo(Expected), $"split at {i}");
        }

        Assert.That(Replay(wire, ClientOptions, null, wire.Select(static b => new[] { b })), Is.EqualTo(Expected), "a byte per chunk");
    }

    [Test]
    public void Mccp3_TheClientsWire_ReadsTheSameAtEveryChunking()
    {
        using var pair = new Pair();
        Assert.That(pair.Agree(TelnetOption.Compress3), Is.True);
        pair.Write(pair.Client, "alpha\r\n");
        pair.Write(pair.Client, "beta\r\n");
        var wire = pair.ClientWire.ToArray();
        const string Expected = "alpha\r\nbeta\r\n";

        for (var i = 1; i < wire.Length; i++)
        {
            Assert.That(Replay(wire, ServerOptions, TelnetOption.Compress3, Split(wire, i)), Is.EqualTo(Expected), $"split at {i}");
        }

        Assert.That(Replay(wire, ServerOptions, TelnetOption.Compress3, wire.Select(static b => new[] { b })), Is.EqualTo(Expected));
    }
}
