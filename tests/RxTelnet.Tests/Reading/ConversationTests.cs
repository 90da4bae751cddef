namespace RxTelnet.Tests.Reading;

using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Text;
using Microsoft.Reactive.Testing;
using NUnit.Framework;
using static Microsoft.Reactive.Testing.ReactiveTest;
using static RxTelnet.Tests.Reading.ReadingTestKit;

/// <summary>
/// Converse: lossless sequential steps over one subscription to a byte stream, in virtual time.
/// </summary>
public sealed class ConversationTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    private static string Latin1(byte[] bytes) => Encoding.Latin1.GetString(bytes);

    [Test]
    public void ChainedReads_BytesAfterAMatchInTheSameChunk_ReachTheNextStep()
    {
        // The case a pair of pure operators loses: both prompts in one chunk.
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "login: # "));

        var observer = scheduler.Start(
            () => source.Converse(
                c => c.ReadUntil("login: ").SelectMany(first => c.Expect(Second, "# ").Select(second => Latin1(first) + "|" + Latin1(second.Data))),
                scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext login: |# ", "210 OnCompleted" }));
        Assert.That(source.Subscriptions, Is.EqualTo(new[] { ReactiveTest.Subscribe(200, 210) }), "one subscription, released when the script completes");
    }

    [Test]
    public void Login_WithSendsInterleaved_RunsInOrder_AndEachCommandSeesOnlyItsOwnOutput()
    {
        var scheduler = new TestScheduler();
        var sent = new List<(long, string)>();
        var source = scheduler.CreateHotObservable(
            Chunk(210, "Welcome\r\nlogin: "),
            Chunk(230, "Password: "),
            Chunk(250, "Last login: today\r\nrouter# "),
            Chunk(270, "up 3 days\r\nrouter# ver"),
            Chunk(280, "sion 1.2\r\nrouter# "));

        Task Send(ReadOnlyMemory<byte> data, CancellationToken token)
        {
            sent.Add((scheduler.Clock, Latin1(data.ToArray())));
            return Task.CompletedTask;
        }

        var observer = scheduler.Start(
            () => source.Converse(
                c => from _ in c.ReadUntil("login: ", 10 * Second)
                     from a in c.Send("admin\r\n")
                     from __ in c.ReadUntil("Password: ", 10 * Second)
                     from b in c.Send("secret\r\n")
                     from outcome in c.Expect(
                         10 * Second,
                         ExpectCase.On(@"[#>] $", r => Observable.Return(r.Match!.Value)),
                         ExpectCase.On("denied", r => Observable.Throw<string>(new InvalidOperationException("login denied"))))
                     from uptime in Command(c, "uptime")
                     from version in Command(c, "version")
                     select $"{outcome.Trim()}|{uptime}|{version}",
                scheduler,
                Send),
            created: 100,
            subscribed: 200,
            disposed: 10_000);

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[]
        {
            "280 OnNext #|up 3 days|version 1.2",
            "280 OnCompleted",
        }));
        Assert.That(sent, Is.EqualTo(new[] { (210L, "admin\r\n"), (230L, "secret\r\n"), (250L, "uptime\r\n"), (270L, "version\r\n") }));

        static IObservable<string> Command(TelnetConversation c, string command) =>
            from _ in c.Send(command + "\r\n")
            from output in c.ReadUntil("router# ", 10 * Second)
            select Latin1(output)[..^"\r\nrouter# ".Length];
    }

    [Test]
    public void Expect_DeniedCase_RunsItsOwnContinuation()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "Access denied\r\nlogin: "));

        var observer = scheduler.Start(() => source.Converse(
            c => c.Expect(
                10 * Second,
                ExpectCase.On(@"# $", r => Observable.Return("shell")),
                ExpectCase.On("denied", r => c.ReadUntil("login: ").Select(rest => "denied, then " + Latin1(rest).Trim()))),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext denied, then login:", "210 OnCompleted" }));
    }

    [Test]
    public void Timeout_FiresAtTheExactVirtualTime_AndLeavesItsBytesForTheNextStep()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "partial "), Chunk(600, "prompt> "));

        var observer = scheduler.Start(
            () => source.Converse(
                c => c.ReadUntil("never", TimeSpan.FromTicks(150))
                    .Select(Latin1)
                    .Catch((TelnetTimeoutException e) => Observable.Return($"timeout after {e.Timeout.Ticks} with {e.Unread} unread"))
                    .Concat(c.ReadUntil("> ").Select(Latin1)),
                scheduler),
            disposed: 1000);

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[]
        {
            "350 OnNext timeout after 150 with 8 unread",
            "600 OnNext partial prompt> ",
            "600 OnCompleted",
        }));
    }

    [Test]
    public void Timeout_Zero_DecidesOnWhatIsUnreadAtSubscription()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "abc"));

        var observer = scheduler.Start(
            () => source.Converse(
                c => Observable.Timer(TimeSpan.FromTicks(50), scheduler).SelectMany(_ =>
                    c.ReadUntil("b", TimeSpan.Zero).Select(Latin1).Concat(c.ReadUntil("x", TimeSpan.Zero).Select(Latin1))),
                scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "250 OnNext ab", "250 OnError TelnetTimeoutException" }));
    }

    [Test]
    public void SourceCompletes_InTheMiddleOfAStep_FailsWithEof_AndReadToEndStillGetsTheRest()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "no prompt here"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var observer = scheduler.Start(() => source.Converse(
            c => c.ReadUntil("$ ").Select(Latin1)
                .Catch((TelnetEofException _) => c.ReadToEnd(Timeout.InfiniteTimeSpan).Select(rest => "eof; rest " + Latin1(rest))),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "220 OnNext eof; rest no prompt here", "220 OnCompleted" }));
    }

    [Test]
    public void SourceFails_InTheMiddleOfAStep_TheStepFailsWithThatError()
    {
        var scheduler = new TestScheduler();
        var boom = new IOException("reset");
        var source = scheduler.CreateHotObservable(Chunk(210, "abc"), OnError<ReadOnlyMemory<byte>>(230, boom));

        var observer = scheduler.Start(() => source.Converse(c => c.ReadUntil("$ ").Select(Latin1), scheduler));

        Assert.That(observer.Messages, Has.Count.EqualTo(1));
        Assert.That(observer.Messages[0].Time, Is.EqualTo(230));
        Assert.That(observer.Messages[0].Value.Exception, Is.SameAs(boom));
    }

    [Test]
    public void SourceFails_WhatIsBufferedStillSatisfiesTheNextStep()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "one$ two$ "), OnError<ReadOnlyMemory<byte>>(220, new IOException("reset")));

        var observer = scheduler.Start(() => source.Converse(
            c => Observable.Timer(TimeSpan.FromTicks(100), scheduler).SelectMany(_ => c.SplitAfter("$ "u8.ToArray()).Select(Latin1)),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "300 OnNext one$ ", "300 OnNext two$ ", "300 OnError IOException" }));
    }

    [Test]
    public void Dispose_InTheMiddleOfAStep_UnsubscribesFromTheSourceAndCancelsTheTimer()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "abc"), Chunk(400, "$ "));

        var observer = scheduler.Start(() => source.Converse(c => c.ReadUntil("$ ", TimeSpan.FromTicks(500)), scheduler), disposed: 300);

        Assert.That(observer.Messages, Is.Empty);
        Assert.That(source.Subscriptions, Is.EqualTo(new[] { ReactiveTest.Subscribe(200, 300) }));
        Assert.That(scheduler.Clock, Is.LessThan(700), "the step's timer did not keep the clock running");
    }

    [Test]
    public void ColdSource_IsSubscribedOnce_EvenWithManySteps()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateColdObservable(
            Chunk(10, "a;b;"),
            Chunk(20, "c;d;"),
            OnCompleted<ReadOnlyMemory<byte>>(30));

        var observer = scheduler.Start(() => source.Converse(
            c => c.ReadUntil(";").Concat(c.ReadUntil(";")).Concat(c.ReadUntil(";")).Concat(c.ReadUntil(";")).Select(Latin1),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext a;", "210 OnNext b;", "220 OnNext c;", "220 OnNext d;", "220 OnCompleted" }));
        Assert.That(source.Subscriptions, Is.EqualTo(new[] { ReactiveTest.Subscribe(200, 220) }));
    }

    [Test]
    public void Lines_TakeTwo_LeavesTheRestForTheNextStep()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "one\r\ntwo\nthree\r\nprompt> "));

        var observer = scheduler.Start(() => source.Converse(
            c => c.Lines().Take(2).Concat(c.ReadUntil("> ").Select(Latin1)),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[]
        {
            "210 OnNext one", "210 OnNext two", "210 OnNext three\r\nprompt> ", "210 OnCompleted",
        }));
    }

    [Test]
    public void Lines_AtACleanEnd_EmitTheLastPartialLine()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "a\nb"), OnCompleted<ReadOnlyMemory<byte>>(220));

        var observer = scheduler.Start(() => source.Converse(c => c.Lines(), scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext a", "220 OnNext b", "220 OnCompleted" }));
    }

    [Test]
    public void Lines_LongerThanTheLimit_FailWithTheLimit_AndLeaveTheBytes()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "12345678"));

        var observer = scheduler.Start(() => source.Converse(
            c => c.Lines(4).Catch((TelnetBufferLimitExceededException e) => c.ReadAvailable().Select(rest => $"{e.LimitName} {e.Limit}: {Latin1(rest)}")),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext maxLineLength 4: 12345678", "210 OnCompleted" }));
    }

    [Test]
    public void IdleFlush_EmitsAfterTheQuietPeriod_RestartedByEachChunk()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "Pass"), Chunk(240, "word:"), Chunk(400, "x"), OnCompleted<ReadOnlyMemory<byte>>(420));

        var observer = scheduler.Start(() => source.Converse(c => c.IdleFlush(TimeSpan.FromTicks(50)).Select(Latin1), scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "290 OnNext Password:", "420 OnNext x", "420 OnCompleted" }));
    }

    [Test]
    public void StepsSubscribedTogether_ReadInSubscriptionOrder()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "first;second;"));

        var observer = scheduler.Start(() => source.Converse(
            c => Observable.Merge(c.ReadUntil(";").Select(b => "A " + Latin1(b)), c.ReadUntil(";").Select(b => "B " + Latin1(b))),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "210 OnNext A first;", "210 OnNext B second;", "210 OnCompleted" }));
    }

    [Test]
    public void WaitingStep_TimesOutFromItsSubscription_AndNeverReads()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "x;"), Chunk(500, "y;"));

        var observer = scheduler.Start(() => source.Converse(
            c => Observable.Merge(
                c.ReadUntil("never").Select(Latin1).Catch((TelnetEofException _) => Observable.Empty<string>()),
                c.ReadUntil(";", TimeSpan.FromTicks(100)).Select(Latin1)),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "300 OnError TelnetTimeoutException" }));
    }

    [Test]
    public void Overflow_EndsTheInputWithTheLimit_AfterStepsReadWhatFitted()
    {
        var scheduler = new TestScheduler();
        var big = new byte[TelnetObservable.DefaultMaxBufferLength];
        big[10] = (byte)';';
        var source = scheduler.CreateHotObservable(OnNext(210, (ReadOnlyMemory<byte>)big), Chunk(220, "more"));

        var observer = scheduler.Start(() => source.Converse(
            c => Observable.Timer(TimeSpan.FromTicks(100), scheduler).SelectMany(_ =>
                c.ReadUntil(";").Select(b => $"{b.Length}").Concat(c.ReadUntil(";").Select(b => $"{b.Length}"))),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s), Is.EqualTo(new[] { "300 OnNext 11", "300 OnError TelnetBufferLimitExceededException" }));
    }

    [Test]
    public void Send_WithoutASender_FailsWithAClearError()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable<ReadOnlyMemory<byte>>();

        var observer = scheduler.Start(() => source.Converse(c => c.Send("x"), scheduler));

        Assert.That(observer.Messages.Single().Value.Exception, Is.TypeOf<InvalidOperationException>()
            .With.Message.Contains("without a sender"));
    }

    [Test]
    public void Send_FailingSender_FailsTheConversation()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable<ReadOnlyMemory<byte>>();

        var observer = scheduler.Start(() => source.Converse(
            c => c.Send("x"),
            scheduler,
            (_, _) => Task.FromException(new TelnetClosedException())));

        Assert.That(observer.Messages.Single().Value.Exception, Is.TypeOf<TelnetClosedException>());
    }

    [Test]
    public void Script_ThatThrows_FailsTheSubscription_WithoutSubscribingToTheSource()
    {
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "x"));

        var observer = scheduler.Start(() => source.Converse<int>(_ => throw new InvalidOperationException("bad script"), scheduler));

        Assert.That(observer.Messages.Single().Value.Exception!.Message, Is.EqualTo("bad script"));
        Assert.That(source.Subscriptions, Is.Empty);
    }

    [Test]
    public void Arguments_AreCheckedAtTheCall()
    {
        var scheduler = new TestScheduler();
        var source = new Subject<byte[]>();
        Assert.Multiple(() =>
        {
            Assert.That(() => source.Converse<int>(null!, scheduler), Throws.ArgumentNullException);
            Assert.That(() => source.Converse(c => Observable.Empty<int>(), null!), Throws.ArgumentNullException);
            Assert.That(() => ((IObservable<byte[]>)null!).Converse(c => Observable.Empty<int>(), scheduler), Throws.ArgumentNullException);
        });

        TelnetConversation? conversation = null;
        source.Converse(c =>
        {
            conversation = c;
            return Observable.Never<int>();
        }, scheduler).Subscribe();
        var c = conversation!;
        Assert.Multiple(() =>
        {
            Assert.That(() => c.ReadUntil(""), Throws.ArgumentException);
            Assert.That(() => c.ReadUntil("x", TimeSpan.FromTicks(-1)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => c.Expect(Second), Throws.ArgumentException);
            Assert.That(() => c.Expect(Second, "("), Throws.ArgumentException.With.Message.Contains("Pattern 0"));
            Assert.That(() => c.Expect<int>(Second), Throws.ArgumentException);
            Assert.That(() => c.Lines(0), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => c.SplitAfter(ReadOnlyMemory<byte>.Empty), Throws.ArgumentException);
            Assert.That(() => c.IdleFlush(TimeSpan.FromTicks(-5)), Throws.TypeOf<ArgumentOutOfRangeException>());
            Assert.That(() => c.ReadToEnd(TimeSpan.FromTicks(-5)), Throws.TypeOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Lines_WithAnEncodingWhoseLfIsNotOneByte_AreRefused()
    {
        var source = new Subject<byte[]>();
        Exception? error = null;
        source.Converse(c => c.Lines(), new TestScheduler(), encoding: Encoding.Unicode).Subscribe(_ => { }, e => error = e);
        Assert.That(error, Is.TypeOf<NotSupportedException>().With.Message.Contains("utf-16"));
    }

    [Test]
    public void StepAfterTheConversationEnded_FailsWithObjectDisposed()
    {
        var scheduler = new TestScheduler();
        var source = new Subject<byte[]>();
        TelnetConversation? conversation = null;
        source.Converse(c =>
        {
            conversation = c;
            return Observable.Return(1);
        }, scheduler).Subscribe();

        Exception? error = null;
        conversation!.ReadUntil("x").Subscribe(_ => { }, e => error = e);
        Assert.That(error, Is.TypeOf<ObjectDisposedException>());
        Assert.That(source.HasObservers, Is.False);
    }

    [Test]
    public void Lines_TakeTwo_FromWhatIsAlreadyBuffered_StopsAtTwo()
    {
        // The step starts on a full buffer: Take(2) must stop it before it takes a third line.
        var scheduler = new TestScheduler();
        var source = scheduler.CreateHotObservable(Chunk(210, "one\ntwo\nthree\nfour\n"));

        var observer = scheduler.Start(() => source.Converse(
            c => Observable.Timer(TimeSpan.FromTicks(50), scheduler)
                .SelectMany(_ => c.Lines().Take(2).ToList())
                .SelectMany(lines => c.ReadAvailable().Select(rest => string.Join(",", lines) + "|" + Latin1(rest))),
            scheduler));

        Assert.That(Transcript(observer.Messages, static s => s.Replace("\n", "/")), Is.EqualTo(new[] { "250 OnNext one,two|three/four/", "250 OnCompleted" }));
    }
}
