namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class TerminalTypeTests
{
    [Test]
    public void EncodeSend_WireBytesAreExact() =>
        Assert.That(Wire.Frame(TelnetOption.TerminalType, TerminalType.EncodeSend()), Is.EqualTo(new byte[] { 255, 250, 24, 1, 255, 240 }));

    [Test]
    public void EncodeIs_Name_WireBytesAreExact() =>
        Assert.That(Wire.Frame(TelnetOption.TerminalType, TerminalType.EncodeIs("VT100")), Is.EqualTo(Wire.Bytes(255, 250, 24, 0, "VT100", 255, 240)));

    [TestCase(new byte[] { 1 }, true)]
    [TestCase(new byte[0], false)]
    [TestCase(new byte[] { 0 }, false)]
    [TestCase(new byte[] { 1, 0 }, false)]
    public void IsSend_Payload_RecognizesOnlyExactSend(byte[] payload, bool expected) =>
        Assert.That(TerminalType.IsSend(payload), Is.EqualTo(expected));

    [Test]
    public void TryParseIs_AcrossTheWire_RoundTrips()
    {
        Assert.That(TerminalType.TryParseIs(Wire.RoundTrip(TelnetOption.TerminalType, TerminalType.EncodeIs("XTERM-256COLOR")), out var name), Is.True);
        Assert.That(name, Is.EqualTo("XTERM-256COLOR"));
    }

    [Test]
    public void TryParseIs_AnyBytes_AreAcceptedAsLatin1()
    {
        // RFC 1123 §3.2.8: the receiver MUST accept any name.
        Assert.That(TerminalType.TryParseIs(new byte[] { 0, (byte)'a', 0xE9, 0xFF }, out var name), Is.True);
        Assert.That(name, Is.EqualTo("a\u00E9\u00FF"));
    }

    [TestCase(new byte[0])]
    [TestCase(new byte[] { 0 })]
    [TestCase(new byte[] { 1, (byte)'x' })]
    [TestCase(new byte[] { 2, (byte)'x' })]
    public void TryParseIs_Malformed_ReturnsFalse(byte[] payload)
    {
        Assert.That(TerminalType.TryParseIs(payload, out var name), Is.False);
        Assert.That(name, Is.Empty);
    }

    [Test]
    public void EncodeIs_InvalidName_ThrowsNamingTheParameter()
    {
        Assert.That(() => TerminalType.EncodeIs(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => TerminalType.EncodeIs(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => TerminalType.EncodeIs("VT\u00E9"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => TerminalType.EncodeIs("VT\t100"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
    }

    [Test]
    public void Cycler_RepeatedSend_WalksTheListRepeatsTheLastThenStartsOver()
    {
        var cycler = new TerminalTypeCycler(["ANSI", "VT100", "XTERM"]);

        var sent = Enumerable.Range(0, 9).Select(_ => cycler.Next()).ToArray();

        Assert.That(sent, Is.EqualTo(new[] { "ANSI", "VT100", "XTERM", "XTERM", "ANSI", "VT100", "XTERM", "XTERM", "ANSI" }), "the repeated last name marks the end of the list (RFC 1091)");
    }

    [Test]
    public void Cycler_WithoutRestart_KeepsRepeatingTheLastName()
    {
        var cycler = new TerminalTypeCycler(["ANSI", "VT100"], restartAfterEnd: false);

        var sent = Enumerable.Range(0, 5).Select(_ => cycler.Next()).ToArray();

        Assert.That(sent, Is.EqualTo(new[] { "ANSI", "VT100", "VT100", "VT100", "VT100" }));
    }

    [Test]
    public void Cycler_SingleName_AlwaysSendsIt()
    {
        var cycler = new TerminalTypeCycler(["DUMB"]);

        Assert.That(Enumerable.Range(0, 4).Select(_ => cycler.Next()), Is.All.EqualTo("DUMB"));
    }

    [Test]
    public void Cycler_Reset_StartsOverAndForgetsCurrent()
    {
        var cycler = new TerminalTypeCycler(["ANSI", "VT100"]);
        cycler.Next();
        Assert.That(cycler.Current, Is.EqualTo("ANSI"));

        cycler.Reset();

        Assert.That(cycler.Current, Is.Null);
        Assert.That(cycler.NextIsPayload(), Is.EqualTo(Wire.Bytes(0, "ANSI")));
        Assert.That(cycler.Names, Is.EqualTo(new[] { "ANSI", "VT100" }));
    }

    [Test]
    public void Cycler_InvalidNames_ThrowNamingTheParameter()
    {
        Assert.That(() => new TerminalTypeCycler(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => new TerminalTypeCycler([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => new TerminalTypeCycler(["ANSI", null!]), Throws.InstanceOf<ArgumentException>().With.Property("ParamName").EqualTo("names"));
        Assert.That(() => new TerminalTypeCycler(["ANSI", "V\u00E9"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
    }

    [Test]
    public void EncodeIs_PrintableAsciiBounds_SpaceAndTildeAreAllowed()
    {
        Assert.That(TerminalType.EncodeIs(" ~"), Is.EqualTo(Wire.Bytes(0, " ~")));
        Assert.That(TerminalType.EncodeIs("X"), Is.EqualTo(Wire.Bytes(0, "X")));
        Assert.That(() => TerminalType.EncodeIs("VT\u007F"), Throws.ArgumentException.With.Message.Contains("\"VT\u007F\""));
        Assert.That(() => TerminalType.EncodeIs("\u001FVT"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => TerminalType.EncodeIs(string.Empty), Throws.ArgumentException.With.Message.Contains("not empty"));
    }

    [Test]
    public void TryParseIs_OneByteName_IsRead()
    {
        Assert.That(TerminalType.TryParseIs(new byte[] { 0, (byte)'X' }, out var name), Is.True);
        Assert.That(name, Is.EqualTo("X"));
    }

    [Test]
    public void Cycler_CurrentFollowsWhatWasSent_AndResetMidwayStartsOver()
    {
        var cycler = new TerminalTypeCycler(["ANSI", "VT100"]);
        Assert.That(cycler.Current, Is.Null);

        Assert.That(cycler.Next(), Is.EqualTo("ANSI"));
        Assert.That(cycler.Next(), Is.EqualTo("VT100"));
        Assert.That(cycler.Current, Is.EqualTo("VT100"));
        Assert.That(cycler.Next(), Is.EqualTo("VT100"));
        Assert.That(cycler.Current, Is.EqualTo("VT100"), "the repeat is the current name too");

        cycler.Reset();
        Assert.That(cycler.Next(), Is.EqualTo("ANSI"));
        Assert.That(cycler.NextIsPayload(), Is.EqualTo(Wire.Bytes(0, "VT100")));
        Assert.That(cycler.NextIsPayload(), Is.EqualTo(Wire.Bytes(0, "VT100")));
        Assert.That(cycler.NextIsPayload(), Is.EqualTo(Wire.Bytes(0, "ANSI")));
    }

    [Test]
    public void Cycler_KeepsItsOwnCopyOfTheNames()
    {
        var names = new List<string> { "ANSI", "VT100" };
        var cycler = new TerminalTypeCycler(names);
        names[0] = "CHANGED";

        Assert.That(cycler.Names, Is.EqualTo(new[] { "ANSI", "VT100" }));
        Assert.That(cycler.Next(), Is.EqualTo("ANSI"));
        Assert.That(() => new TerminalTypeCycler([]), Throws.ArgumentException.With.Message.Contains("At least one terminal type"));
    }
}
