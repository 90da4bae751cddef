namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

[TestFixture]
public sealed class TelnetVerbTests
{
    public static IEnumerable<TestCaseData> Verbs() =>
        WireNames.Verbs.Select(v => new TestCaseData(v.Member, v.Value).SetArgDisplayNames(v.Name));

    [TestCaseSource(nameof(Verbs))]
    public void Value_RfcCommand_MatchesArpaTelnetH(string member, byte expected)
    {
        Assert.That(Enum.TryParse<TelnetVerb>(member, out var verb), Is.True, $"TelnetVerb.{member} exists");
        Assert.That((byte)verb, Is.EqualTo(expected), $"TelnetVerb.{member} is the byte RFC 854 / arpa/telnet.h assign");
    }

    [Test]
    public void Members_Enumerated_AreExactlyTheRfcCommands()
    {
        Assert.That(Enum.GetNames<TelnetVerb>(), Is.EquivalentTo(WireNames.Verbs.Select(v => v.Member)), "no command is missing and none is invented");
        Assert.That(Enum.GetUnderlyingType(typeof(TelnetVerb)), Is.EqualTo(typeof(byte)), "a verb is one byte on the wire");
    }
}
