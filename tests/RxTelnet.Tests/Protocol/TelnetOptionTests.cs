namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

[TestFixture]
public sealed class TelnetOptionTests
{
    public static IEnumerable<TestCaseData> Options() =>
        WireNames.Options.Select(o => new TestCaseData(o.Member, o.Value).SetArgDisplayNames(o.Name));

    [TestCaseSource(nameof(Options))]
    public void Value_AssignedOption_MatchesRegistry(string member, byte expected)
    {
        Assert.That(Enum.TryParse<TelnetOption>(member, out var option), Is.True, $"TelnetOption.{member} exists");
        Assert.That((byte)option, Is.EqualTo(expected), $"TelnetOption.{member} is the code arpa/telnet.h / IANA assign");
    }

    [Test]
    public void Members_Enumerated_AreExactlyTheRegisteredOptions()
    {
        Assert.That(Enum.GetNames<TelnetOption>(), Is.EquivalentTo(WireNames.Options.Select(o => o.Member)), "no option is missing and none is invented");
        Assert.That(Enum.GetUnderlyingType(typeof(TelnetOption)), Is.EqualTo(typeof(byte)), "an option is one byte on the wire");
    }
}
