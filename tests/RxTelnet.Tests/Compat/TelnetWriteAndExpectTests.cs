namespace RxTelnet.Tests.Compat;

using System.Text.RegularExpressions;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Protocol;
using static RxTelnet.Compat.TelnetConstants;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>CPython's <c>WriteTests</c> and <c>ExpectTests</c>, ported, plus what telnetlib's docstrings promise about them.</summary>
[TestFixture]
public sealed class TelnetWriteAndExpectTests : ReactiveTest
{
    private static IEnumerable<byte[]> WriteSamples()
    {
        yield return B("data sample without IAC");
        yield return Cat(B("data sample with"), [IAC], B(" one IAC"));
        yield return Cat(B("a few"), [IAC, IAC], B(" iacs"), [IAC]);
        yield return [IAC];
        yield return [];
    }

    [TestCaseSource(nameof(WriteSamples))]
    public void Write_DoublesEveryIac(byte[] data)
    {
        using var h = WithReads();

        h.Telnet.Write(data);

        Assert.That(h.Sent, Is.EqualTo(data.SelectMany(static b => b == IAC ? new[] { IAC, IAC } : [b])));
    }

    [Test]
    public void Write_TranslatesNothingElse()
    {
        using var h = WithReads();

        h.Telnet.Write([(byte)'a', 13, 10, 13, 0, 10]);

        Assert.That(h.Sent, Is.EqualTo(new byte[] { (byte)'a', 13, 10, 13, 0, 10 }));
    }

    [Test]
    public async Task WriteAsync_DoublesIac()
    {
        using var h = WithReads();

        await h.Telnet.WriteAsync([1, IAC, 2]);

        Assert.That(h.Sent, Is.EqualTo(new byte[] { 1, IAC, IAC, 2 }));
    }

    [Test]
    public void Write_AfterClose_ThrowsClosed()
    {
        using var h = WithReads();
        h.Telnet.Close();

        Assert.Throws<TelnetClosedException>(() => h.Telnet.Write(B("x")));
        Assert.Throws<TelnetClosedException>(() => h.Telnet.Write([]), "telnetlib fails on a closed socket even for b''");
    }

    [Test]
    public void Write_NeverOpened_ThrowsClosed()
    {
        using var telnet = new Telnet();

        Assert.Throws<TelnetClosedException>(() => telnet.Write(B("x")));
    }

    [Test]
    public void Write_Empty_SendsNothing_ButIsLogged()
    {
        // telnetlib's write(b''): audit, msg("send b''"), then sendall(b''), which sends nothing.
        using var h = WithReads();
        h.Telnet.SetDebugLevel(1);

        h.Telnet.Write([]);
        h.Telnet.WriteRaw([]);

        Assert.That(h.Transport.Sent, Is.Empty);
        Assert.That(h.DebugText.ToString(), Is.EqualTo("Telnet(None,0): send b''\n"));
    }

    [Test]
    public void WriteRaw_SendsBytesUnchanged()
    {
        using var h = WithReads();

        h.Telnet.WriteRaw([IAC, WONT, TTYPE]);

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, WONT, TTYPE }));
    }

    [TestCase(NOP)]
    [TestCase(AYT)]
    [TestCase(BRK)]
    [TestCase(IP)]
    [TestCase(AO)]
    [TestCase(GA)]
    [TestCase(EOR_COMMAND)]
    public void SendCommand_SendsIacAndCommand(byte command)
    {
        using var h = WithReads();

        h.Telnet.SendCommand(command);
        h.Telnet.SendCommand((TelnetVerb)command);

        Assert.That(h.Sent, Is.EqualTo(new byte[] { IAC, command, IAC, command }));
    }

    [TestCase(IAC)]
    [TestCase(SB)]
    [TestCase(DO)]
    [TestCase(DONT)]
    [TestCase(WILL)]
    [TestCase(WONT)]
    public void SendCommand_MultiByteCommand_Throws(byte command)
    {
        using var h = WithReads();

        Assert.Throws<ArgumentException>(() => h.Telnet.SendCommand(command));
        Assert.That(h.Sent, Is.Empty);
    }

    [Test]
    public void Expect_MatchInLaterChunk_ReturnsIndexMatchAndData()
    {
        byte[][] want = [B(new string('x', 10)), B("match"), B(new string('y', 10))];
        using var h = WithReads(want);
        var expect = h.Telnet.ExpectAsync(["match"]);

        h.Scheduler.AdvanceTo(109);
        Assert.That(expect.IsCompleted, Is.False);
        h.Scheduler.AdvanceTo(110);

        Assert.That(expect.IsCompleted, Is.True);
        Assert.That(expect.Result.Index, Is.Zero);
        Assert.That(expect.Result.Match!.Value, Is.EqualTo("match"));
        Assert.That(S(expect.Result.Data), Is.EqualTo(new string('x', 10) + "match"));
    }

    [Test]
    public void Expect_SeveralPatterns_FirstInListOrderWins()
    {
        using var h = WithReads(B("abc $ def # "));
        h.DeliverAll();

        var result = h.Telnet.Expect(["#", @"\$"]);

        Assert.That(result.Index, Is.Zero, "telnetlib tries the patterns in list order, not by position in the data");
        Assert.That(S(result.Data), Is.EqualTo("abc $ def #"));
        Assert.That(S(h.Telnet.ReadAll()), Is.EqualTo(" "), "what follows the match stays queued");
    }

    [Test]
    public void Expect_CompiledPatterns_GroupsAvailable()
    {
        using var h = WithReads(B("user 42 logged in\r\n$ "));
        h.DeliverAll();

        var result = h.Telnet.Expect([new Regex(@"user (\d+)"), new Regex(@"\$ ")]);

        Assert.That(result.Index, Is.Zero);
        Assert.That(result.Match!.Groups[1].Value, Is.EqualTo("42"));
    }

    [Test]
    public void Expect_BytesAreLatin1()
    {
        using var h = WithReads([(byte)'a', 0xE9, 0xFF, 0xFF, (byte)'z']);
        h.DeliverAll();

        var result = h.Telnet.Expect(["\u00e9\u00ffz"]);

        Assert.That(result.Data, Is.EqualTo(new byte[] { (byte)'a', 0xE9, 0xFF, (byte)'z' }));
    }

    [Test]
    public void Expect_Timeout_ReturnsMinusOneNullAndDataAtDueTime()
    {
        using var h = WithScript(OnNext(100, B("partial")));
        h.Scheduler.AdvanceTo(50);
        var expect = h.Telnet.ExpectAsync(["never"], TimeSpan.FromTicks(100));

        h.Scheduler.AdvanceTo(149);
        Assert.That(expect.IsCompleted, Is.False);
        h.Scheduler.AdvanceTo(150);

        Assert.That(expect.IsCompleted, Is.True);
        Assert.That(expect.Result.Index, Is.EqualTo(-1));
        Assert.That(expect.Result.Match, Is.Null);
        Assert.That(S(expect.Result.Data), Is.EqualTo("partial"));
    }

    [Test]
    public void Expect_TimeoutWithNothing_ReturnsEmptyText()
    {
        using var h = WithScript();
        var expect = h.Telnet.ExpectAsync(["x"], TimeSpan.FromTicks(10));

        h.Scheduler.AdvanceTo(10);

        Assert.That(expect.Result.Index, Is.EqualTo(-1));
        Assert.That(expect.Result.Data, Is.Empty);
    }

    [Test]
    public void Expect_EofWithData_ReturnsMinusOneAndData()
    {
        using var h = WithReads(B("bye"));
        var expect = h.Telnet.ExpectAsync(["never"]);

        h.Scheduler.AdvanceTo(h.EndAt);

        Assert.That(expect.Result.Index, Is.EqualTo(-1));
        Assert.That(S(expect.Result.Data), Is.EqualTo("bye"));
    }

    [Test]
    public void Expect_EofWithNothing_ThrowsEof()
    {
        using var h = WithReads();
        h.DeliverAll();

        Assert.Throws<TelnetEofException>(() => h.Telnet.Expect(["x"]));
    }

    [Test]
    public void Expect_QueuedMatchAfterEof_IsStillFound()
    {
        // Deliberate deviation: telnetlib skips the search once it has seen EOF; RxTelnet sees EOF on arrival, so it searches.
        using var h = WithReads(B("login: "));
        h.DeliverAll();

        Assert.That(h.Telnet.Expect(["login: "]).Index, Is.Zero);
    }

    [Test]
    public void Expect_InvalidArguments_Throw()
    {
        using var h = WithReads();

        Assert.Throws<ArgumentException>(() => h.Telnet.Expect(Array.Empty<string>()));
        Assert.That(() => h.Telnet.Expect(["("]), Throws.InstanceOf<ArgumentException>(), "not a regular expression");
        Assert.Throws<ArgumentNullException>(() => h.Telnet.Expect((string[])null!));
        Assert.Throws<ArgumentNullException>(() => h.Telnet.ReadUntil(null!));
        Assert.Throws<ArgumentNullException>(() => h.Telnet.Expect((Regex[])null!));
        Assert.Throws<ArgumentException>(() => h.Telnet.Expect(Array.Empty<Regex>()));
    }

    [Test]
    public void Expect_NullPattern_ThrowsNamingIt()
    {
        using var h = WithReads();

        Assert.That(() => h.Telnet.Expect(["a", null!]), Throws.ArgumentNullException.With.Message.Contains("Pattern 1 is null"));
        Assert.That(() => h.Telnet.Expect([new Regex("a"), null!]), Throws.ArgumentNullException.With.Message.Contains("Pattern 1 is null"));
    }
}
