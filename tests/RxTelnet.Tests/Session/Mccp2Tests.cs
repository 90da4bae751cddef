namespace RxTelnet.Tests.Session;

using System.IO.Compression;
using System.Reactive.Linq;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

[TestFixture]
public sealed class Mccp2Tests : ReactiveTest
{
    private static byte[] Zlib(byte[] plain)
    {
        var ms = new MemoryStream();
        using (var z = new ZLibStream(ms, CompressionLevel.Optimal, leaveOpen: true))
        {
            z.Write(plain);
        }

        return ms.ToArray();
    }

    private static byte[] Stream()
    {
        byte[] compressedPart = [.. "compressed line\r\n"u8, 255, 249, .. "after GA "u8, 255, 255, .. "done\r\n"u8];
        return
        [
            255, 251, 86, .. "before\r\n"u8, 255, 250, 86, 255, 240,
            .. Zlib(compressedPart),
            .. "plain again\r\n"u8,
        ];
    }

    private static (string Data, List<string> Commands, string Sent) Run(params byte[][] chunks)
    {
        var scheduler = new TestScheduler();
        var messages = chunks.Select((c, i) => OnNext(10 + i, c)).ToArray();
        var transport = new ObservableTransport(scheduler.CreateHotObservable(messages));
        using var session = new TelnetSession(transport, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2),
        });
        var data = new StringBuilder();
        var commands = new List<string>();
        session.Data.Subscribe(d => data.Append(Encoding.Latin1.GetString(d.Span)));
        session.Commands.Subscribe(c => commands.Add(c.ToString()));
        session.Start();
        scheduler.AdvanceTo(1000);
        return (data.ToString(), commands, Convert.ToHexString(transport.SentBytes));
    }

    [Test]
    public void Mccp2_CompressedMidStream_InflatesThenReturnsToPlain()
    {
        var (data, commands, sent) = Run(Stream());

        Assert.That(data, Is.EqualTo("before\r\ncompressed line\r\nafter GA \u00ffdone\r\nplain again\r\n"));
        Assert.That(commands, Is.EqualTo(new[] { "WILL 86 (Compress2)", "SB 86 (Compress2) []", "GoAhead" }));
        Assert.That(sent, Is.EqualTo("FFFD56"), "DO COMPRESS2, nothing else");
    }

    [Test]
    public void Mccp2_SplitAtEveryBoundary_SameResult()
    {
        var wire = Stream();
        var whole = Run(wire);
        for (var i = 1; i < wire.Length; i++)
        {
            var split = Run(wire[..i], wire[i..]);
            Assert.That(split, Is.EqualTo(whole), $"split at {i}");
        }

        var bytewise = Run([.. wire.Select(b => new[] { b })]);
        Assert.That(bytewise, Is.EqualTo(whole), "one byte per chunk");
    }

    [Test]
    public void Mccp2_NotAgreed_StaysPlain()
    {
        var scheduler = new TestScheduler();
        byte[] wire = [255, 250, 86, 255, 240, .. "x"u8];
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(10, wire)));
        using var session = new TelnetSession(transport, new TelnetSessionOptions { Scheduler = scheduler });
        var data = new StringBuilder();
        session.Data.Subscribe(d => data.Append(Encoding.Latin1.GetString(d.Span)));
        session.Start();
        scheduler.AdvanceTo(100);
        Assert.That(data.ToString(), Is.EqualTo("x"), "without DO COMPRESS2 the bytes after SB are not inflated");
    }

    [Test]
    public void Mccp2_CorruptStream_ClosesSessionWithTransportError()
    {
        var scheduler = new TestScheduler();
        byte[] wire = [255, 251, 86, 255, 250, 86, 255, 240, 0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];
        var transport = new ObservableTransport(scheduler.CreateHotObservable(OnNext(10, wire)));
        using var session = new TelnetSession(transport, new TelnetSessionOptions
        {
            Scheduler = scheduler,
            Policy = TelnetOptionPolicy.RefuseAll.AllowRemote(TelnetOption.Compress2),
        }).Start();
        scheduler.AdvanceTo(100);
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.TransportError));
        Assert.That(session.CurrentState.Error, Is.TypeOf<TelnetException>());
    }
}
