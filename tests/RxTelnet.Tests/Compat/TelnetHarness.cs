namespace RxTelnet.Tests.Compat;

using System.Reactive;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Transport;

/// <summary>
/// telnetlib's test fixture, RxTelnet-style: a <see cref="Telnet"/> over an <see cref="ObservableTransport"/> whose
/// incoming side is a hot observable on a <see cref="TestScheduler"/>; what the client sends is recorded.
/// </summary>
internal sealed class TelnetHarness : IDisposable
{
    /// <summary>The virtual time of the first scripted chunk.</summary>
    public const long FirstChunkAt = 100;

    /// <summary>The virtual time between two scripted chunks.</summary>
    public const long ChunkSpacing = 10;

    private TelnetHarness(Recorded<Notification<byte[]>>[] messages)
    {
        Scheduler = new TestScheduler();
        Transport = new ObservableTransport(Scheduler.CreateHotObservable(messages));
        Telnet = new Telnet(Transport, Scheduler) { DebugOutput = DebugText };
    }

    public TestScheduler Scheduler { get; }

    public ObservableTransport Transport { get; }

    public Telnet Telnet { get; }

    /// <summary>Gets the debug output (telnetlib's captured stdout), with "\n" line ends.</summary>
    public StringWriter DebugText { get; } = new() { NewLine = "\n" };

    /// <summary>Gets everything the client sent.</summary>
    public byte[] Sent => Transport.SentBytes;

    /// <summary>Gets the virtual time at which the peer closes, after the last scripted chunk.</summary>
    public long EndAt { get; private set; }

    /// <summary>Scripts <paramref name="reads"/> as chunks 10 ticks apart from tick 100, then the peer's close (telnetlib's <c>SocketStub(reads)</c>).</summary>
    public static TelnetHarness WithReads(params byte[][] reads)
    {
        var messages = new List<Recorded<Notification<byte[]>>>();
        var t = FirstChunkAt;
        foreach (var read in reads)
        {
            messages.Add(ReactiveTest.OnNext(t, read));
            t += ChunkSpacing;
        }

        messages.Add(ReactiveTest.OnCompleted<byte[]>(t));
        return new TelnetHarness([.. messages]) { EndAt = t };
    }

    /// <summary>Scripts exactly <paramref name="messages"/> (chunks, close, error) at their virtual times.</summary>
    public static TelnetHarness WithScript(params Recorded<Notification<byte[]>>[] messages) => new(messages) { EndAt = long.MaxValue };

    /// <summary>Delivers every scripted chunk and the close.</summary>
    public void DeliverAll() => Scheduler.AdvanceTo(EndAt == long.MaxValue ? 1_000_000 : EndAt);

    public void Dispose() => Telnet.Dispose();

    public static byte[] B(string latin1) => Encoding.Latin1.GetBytes(latin1);

    public static string S(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    public static byte[] Cat(params byte[][] parts) => [.. parts.SelectMany(static p => p)];
}
