namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

[TestFixture]
public sealed class TelnetCommandTests
{
    [Test]
    public void Equals_SamePayloadInDifferentArrays_AreEqual()
    {
        var a = TelnetCommand.Subnegotiation(TelnetOption.TerminalType, new byte[] { 0, 65 });
        var b = TelnetCommand.Subnegotiation(TelnetOption.TerminalType, new byte[] { 9, 0, 65 }.AsMemory(1));

        Assert.That(a == b && a.Equals((object)b), Is.True, "payloads compare by content, not by array");
        Assert.That(a.GetHashCode(), Is.EqualTo(b.GetHashCode()), "equal commands hash alike");
    }

    [Test]
    public void Equals_DifferentVerbOptionOrPayload_AreNotEqual()
    {
        var baseline = TelnetCommand.Subnegotiation(TelnetOption.TerminalType, new byte[] { 0 });

        Assert.Multiple(() =>
        {
            Assert.That(baseline != TelnetCommand.Subnegotiation(TelnetOption.TerminalType, new byte[] { 1 }), Is.True, "payload differs");
            Assert.That(baseline != TelnetCommand.Subnegotiation(TelnetOption.Naws, new byte[] { 0 }), Is.True, "option differs");
            Assert.That(TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.Echo) != TelnetCommand.Negotiation(TelnetVerb.Will, TelnetOption.Echo), Is.True, "verb differs");
            Assert.That(TelnetCommand.Simple(TelnetVerb.Nop) != new TelnetCommand(TelnetVerb.Nop, TelnetOption.Binary), Is.True, "no option is not option 0");
        });
    }

    [TestCase(TelnetVerb.Nop)]
    [TestCase(TelnetVerb.Sb)]
    [TestCase(TelnetVerb.Iac)]
    public void Negotiation_NotANegotiationVerb_ThrowsArgumentOutOfRangeExceptionNamingVerb(TelnetVerb verb)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => TelnetCommand.Negotiation(verb, TelnetOption.Echo));

        Assert.That(ex!.ParamName, Is.EqualTo("verb"), "the factory rejects what the encoder would reject, by parameter name");
    }

    [Test]
    public void Kind_Properties_TellTheThreeShapesApart()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TelnetCommand.Simple(TelnetVerb.GoAhead) is { IsNegotiation: false, IsSubnegotiation: false, Option: null }, Is.True, "two-byte command");
            Assert.That(TelnetCommand.Negotiation(TelnetVerb.Wont, TelnetOption.Echo) is { IsNegotiation: true, IsSubnegotiation: false, Option: TelnetOption.Echo }, Is.True, "negotiation");
            Assert.That(TelnetCommand.Subnegotiation(TelnetOption.Naws, default) is { IsNegotiation: false, IsSubnegotiation: true, Verb: TelnetVerb.Sb }, Is.True, "subnegotiation");
        });
    }

    [Test]
    public void ToString_EachShape_ReadsLikeLibtelnetTests()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.TerminalType).ToString(), Is.EqualTo("DO 24 (TerminalType)"), "negotiation: verb, number, name");
            Assert.That(TelnetCommand.Negotiation(TelnetVerb.Will, (TelnetOption)200).ToString(), Is.EqualTo("WILL 200"), "an unnamed option is just its number");
            Assert.That(TelnetCommand.Subnegotiation(TelnetOption.Naws, new byte[] { 0, 80, 255 }).ToString(), Is.EqualTo("SB 31 (Naws) [00 50 FF]"), "subnegotiation payload in hex");
            Assert.That(TelnetCommand.Simple(TelnetVerb.Nop).ToString(), Is.EqualTo("Nop"), "a named command");
            Assert.That(TelnetCommand.Simple((TelnetVerb)200).ToString(), Is.EqualTo("200"), "an unknown command byte");
        });
    }
}
