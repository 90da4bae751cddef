namespace RxTelnet.Tests.Reliability;

using System.Net;
using System.Reactive.Linq;
using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;
using static RxTelnet.Tests.Reliability.Hostile;

/// <summary>Every limit: its default, its option (validated), what happens at the limit and one byte past it.</summary>
[TestFixture]
public sealed class LimitTests : LeakCheckedTest
{
    private static (TestScheduler Scheduler, TelnetSession Session) Create(TelnetSessionOptions options, params byte[][] chunks)
    {
        var scheduler = new TestScheduler();
        var incoming = scheduler.CreateHotObservable(chunks.Select((c, i) => OnNext(210 + (10 * i), c)).ToArray());
        var session = new TelnetSession(new ObservableTransport(incoming), options with { Scheduler = scheduler }).Start();
        return (scheduler, session);
    }

    private static byte[] Sb(int payloadLength) =>
        [Iac, (byte)TelnetVerb.Sb, (byte)TelnetOption.Gmcp, .. new byte[payloadLength], Iac, (byte)TelnetVerb.Se];

    [Test]
    public void SubnegotiationLength_Default64KiB_AtLimitDeliveredOnePastWarned()
    {
        Assert.That(TelnetParserOptions.Default.MaxSubnegotiationLength, Is.EqualTo(64 * 1024));
        Assert.That(TelnetParserOptions.DefaultMaxSubnegotiationLength, Is.EqualTo(64 * 1024));

        var (scheduler, session) = Create(TelnetSessionOptions.Default, Sb(64 * 1024), Sb((64 * 1024) + 1), B("ok"));
        var events = new List<string>();
        session.Events.Select(static e => e.IsCommand ? $"SB {e.Command.Payload.Length}" : Describe(e)).Subscribe(events.Add);
        scheduler.AdvanceTo(300);

        // Hostile input never throws: the typed outcome of this limit is a warning event, not an exception.
        Assert.That(events, Is.EqualTo(new[] { "SB 65536", $"W:{TelnetWarningKind.SubnegotiationTooLong}:{(byte)TelnetOption.Gmcp}", "D:ok" }));
        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open), "an oversized subnegotiation is not fatal");
    }

    [Test]
    public void SubnegotiationLength_Option_ValidatedAndApplied()
    {
        Assert.That(() => new TelnetParserOptions { MaxSubnegotiationLength = 0 },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetParserOptions.MaxSubnegotiationLength)));

        var options = new TelnetSessionOptions { Parser = new TelnetParserOptions { MaxSubnegotiationLength = 3 } };
        var (scheduler, session) = Create(options, Sb(3), Sb(4));
        var events = new List<string>();
        session.Events.Select(Describe).Subscribe(events.Add);
        scheduler.AdvanceTo(300);

        Assert.That(events, Is.EqualTo(new[] { $"S:{(byte)TelnetOption.Gmcp}:000000", $"W:SubnegotiationTooLong:{(byte)TelnetOption.Gmcp}" }));
    }

    [Test]
    public void BufferedBytes_Default16MiB_OptionValidated()
    {
        Assert.That(TelnetSessionOptions.Default.MaxBufferedBytes, Is.EqualTo(16 * 1024 * 1024));
        Assert.That(TelnetSessionOptions.DefaultMaxBufferedBytes, Is.EqualTo(16 * 1024 * 1024));
        Assert.That(() => new TelnetSessionOptions { MaxBufferedBytes = 0 },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.MaxBufferedBytes)));
    }

    [Test]
    public void OfferedEnvironmentAndTerminalTypes_InvalidEntries_RejectedWhenSetNamingTheOptionAndTheValue()
    {
        // Found when set, not when the peer's NEW-ENVIRON SEND or TTYPE SEND arrives and the session closes as a transport error.
        Assert.That(
            () => new TelnetSessionOptions { Environment = [new(RxTelnet.Options.NewEnvironVariableType.Var, "USER", "ann"), new(RxTelnet.Options.NewEnvironVariableType.UserVar, "", "x")] },
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.Environment))
                .And.Message.Contain("name"));
        Assert.That(
            () => new TelnetSessionOptions { Environment = [new((RxTelnet.Options.NewEnvironVariableType)7, "X", "x")] },
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.Environment))
                .And.Message.Contain("7"));
        Assert.That(
            () => new TelnetSessionOptions { TerminalTypes = ["XTERM", "BAD\u00e9"] },
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.TerminalTypes))
                .And.Message.Contain("BAD"));

        var types = new List<string> { "XTERM" };
        var options = new TelnetSessionOptions { TerminalTypes = types, Environment = [], };
        types.Add("");
        Assert.That(options.TerminalTypes, Is.EqualTo(new[] { "XTERM" }), "the list is copied when set, so it stays valid");
        Assert.That(new TelnetSessionOptions { TerminalTypes = [] }.TerminalTypes, Is.Empty, "an empty list still means UNKNOWN");
    }

    [Test]
    public void BufferedBytes_ExactlyAtLimit_StaysOpen()
    {
        var (scheduler, session) = Create(new TelnetSessionOptions { MaxBufferedBytes = 10 }, B("01234"), B("56789"));
        scheduler.AdvanceTo(300);

        Assert.That(session.CurrentState.Status, Is.EqualTo(TelnetSessionStatus.Open));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("0123456789"));
    }

    [Test]
    public void BufferedBytes_OnePastLimit_PendingReadFailsTypedAndSessionCloses()
    {
        var (scheduler, session) = Create(new TelnetSessionOptions { MaxBufferedBytes = 10 }, B("01234"), B("56789"), B("X"));
        var read = scheduler.CreateObserver<byte[]>();
        session.ReadUntil(B("$ "), Timeout.InfiniteTimeSpan).Subscribe(read);
        scheduler.AdvanceTo(300);

        Assert.That(read.Messages.Single().Time, Is.EqualTo(230));
        Assert.That(read.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>()
            .With.Property(nameof(TelnetBufferLimitExceededException.LimitName)).EqualTo("MaxBufferedBytes")
            .And.Property(nameof(TelnetBufferLimitExceededException.Limit)).EqualTo(10));
        Assert.That(session.CurrentState.Reason, Is.EqualTo(TelnetCloseReason.BufferLimitExceeded));
        Assert.That(S(session.ReadBuffered()), Is.EqualTo("0123456789"), "what fitted stays readable; the byte that did not fit was reported, not kept");
    }

    [Test]
    public void BufferedBytes_PendingExpect_FailsTyped()
    {
        var (scheduler, session) = Create(new TelnetSessionOptions { MaxBufferedBytes = 4 }, B("abcde"));
        var read = scheduler.CreateObserver<ExpectResult>();
        session.Expect([new Regex(@"\$ ")], Timeout.InfiniteTimeSpan).Subscribe(read);
        scheduler.AdvanceTo(300);

        Assert.That(read.Messages.Single().Value.Exception, Is.TypeOf<TelnetBufferLimitExceededException>());
    }

    [Test]
    public void PendingReads_OneAtATime_SecondFailsFirstUnaffected()
    {
        var (scheduler, session) = Create(TelnetSessionOptions.Default, B("login: "));
        var first = scheduler.CreateObserver<string>();
        var second = scheduler.CreateObserver<string>();
        session.ReadUntil(B("login: "), Timeout.InfiniteTimeSpan).Select(S).Subscribe(first);
        session.ReadUntil(B("login: "), Timeout.InfiniteTimeSpan).Select(S).Subscribe(second);

        Assert.That(second.Messages.Single().Value.Exception, Is.TypeOf<InvalidOperationException>(), "a second read while one is pending fails at once");
        Assert.That(() => session.ReadBuffered(), Throws.InvalidOperationException, "so does ReadBuffered");
        scheduler.AdvanceTo(300);

        first.Messages.AssertEqual(OnNext(210, "login: "), OnCompleted<string>(210));
        Assert.That(session.ReadBuffered(), Is.Empty, "once the first read is done, reads work again");
    }

    [Test]
    public void MatchLength_Default64KiB_OptionValidated()
    {
        Assert.That(TelnetSessionOptions.Default.MaxMatchLength, Is.EqualTo(64 * 1024));
        Assert.That(() => new TelnetSessionOptions { MaxMatchLength = 0 },
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.MaxMatchLength)));
    }

    [Test]
    public void Options_NullParserOrScheduler_ThrowNamingTheProperty()
    {
        Assert.That(() => new TelnetSessionOptions { Parser = null! },
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.Parser)));
        Assert.That(() => new TelnetSessionOptions { Scheduler = null! },
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo(nameof(TelnetSessionOptions.Scheduler)));
    }

    [Test]
    public void TransportAndListener_SizeArguments_Validated()
    {
        Assert.That(() => new StreamTransport(new MemoryStream(), receiveBufferSize: 0),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("receiveBufferSize"));
        Assert.That(() => TelnetListener.Start(new IPEndPoint(IPAddress.Loopback, 0), backlog: 0),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("backlog"));
    }

    [Test]
    public void Write_AfterClose_FailsWithTypedException()
    {
        var (_, session) = Create(TelnetSessionOptions.Default);
        session.Close();

        Assert.That(async () => await session.WriteAsync(B("x")), Throws.TypeOf<TelnetClosedException>());
        Assert.That(async () => await session.SendCommandAsync(TelnetVerb.Nop), Throws.TypeOf<TelnetClosedException>());
    }
}
