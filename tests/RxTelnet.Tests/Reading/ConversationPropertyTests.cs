namespace RxTelnet.Tests.Reading;

using System.Reactive.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Reactive.Testing;
using RxTelnet.Tests.Protocol;

/// <summary>
/// A conversation of six steps over every chunking of the same bytes: the same results, and every byte read exactly
/// once, in order.
/// </summary>
[TestFixture]
public sealed class ConversationPropertyTests
{
    // Filler never contains a delimiter or a pattern's first letter, so the expected results follow from the pieces.
    private static readonly Gen<string> Filler =
        Gen.ArrayOf(Gen.Elements('x', 'y', 'z', ' ', '\r', '\t')).Select(static chars => new string(chars));

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property SixSteps_AnyChunking_AnyStepDelay_ReadEveryByteOnceInOrder()
    {
        var cases =
            from fillers in Gen.ArrayOf(Filler, 6)
            from lengths in TelnetGen.ChunkLengths
            from delay in Gen.Choose(0, 40)
            select (Fillers: fillers, Lengths: lengths, Delay: delay);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var f = c.Fillers;
            var text = $"{f[0]}login: {f[1]}Password: {f[2]}\n{f[3]}\n{f[4]}\nrouter# {f[5]}";
            var expected = new[]
            {
                $"{f[0]}login: ",
                $"{f[1]}Password: ",
                $"{f[2]}\n",
                $"{f[3]}\n",
                "line " + (f[4].EndsWith('\r') ? f[4][..^1] : f[4]),
                "router# ",
                f[5],
            };

            var actual = Run(text, c.Lengths, c.Delay);
            return actual.SequenceEqual(expected)
                .Label($"chunks [{string.Join(",", c.Lengths)}], delay {c.Delay}: got [{string.Join("|", actual.Select(Escape))}], expected [{string.Join("|", expected.Select(Escape))}]");
        });
    }

    private static string Escape(string s) => s.Replace("\r", "\\r").Replace("\n", "\\n");

    private static List<string> Run(string text, int[] lengths, int delay)
    {
        var scheduler = new TestScheduler();
        var bytes = Encoding.Latin1.GetBytes(text);
        var messages = new List<Recorded<System.Reactive.Notification<ReadOnlyMemory<byte>>>>();
        var at = 0;
        var tick = 201L;
        foreach (var length in lengths)
        {
            var take = Math.Min(length, bytes.Length - at);
            messages.Add(ReactiveTest.OnNext(tick++, (ReadOnlyMemory<byte>)bytes.AsMemory(at, take).ToArray()));
            at += take;
        }

        messages.Add(ReactiveTest.OnNext(tick++, (ReadOnlyMemory<byte>)bytes.AsMemory(at).ToArray()));
        messages.Add(ReactiveTest.OnCompleted<ReadOnlyMemory<byte>>(tick));
        var source = scheduler.CreateHotObservable([.. messages]);

        static string L(byte[] b) => Encoding.Latin1.GetString(b);
        var observer = scheduler.Start(
            () => source.Converse(
                c => c.ReadUntil("login: ").Select(L)
                    .Concat(c.Expect(Timeout.InfiniteTimeSpan, @"Pass\w+: ").Select(static r => L(r.Data)))
                    .Concat(Observable.Timer(TimeSpan.FromTicks(delay), scheduler).SelectMany(_ => c.SplitAfter("\n"u8.ToArray()).Take(2).Select(L)))
                    .Concat(c.Lines().Take(1).Select(static line => "line " + line))
                    .Concat(c.ReadUntil("# ").Select(L))
                    .Concat(c.ReadToEnd(Timeout.InfiniteTimeSpan).Select(L)),
                scheduler,
                encoding: Encoding.Latin1),
            created: 100,
            subscribed: 200,
            disposed: 100_000);

        var result = observer.Messages.Where(static m => m.Value.Kind == System.Reactive.NotificationKind.OnNext).Select(static m => m.Value.Value).ToList();
        if (observer.Messages.LastOrDefault().Value?.Kind != System.Reactive.NotificationKind.OnCompleted)
        {
            result.Add("did not complete: " + observer.Messages.LastOrDefault().Value);
        }

        return result;
    }
}
