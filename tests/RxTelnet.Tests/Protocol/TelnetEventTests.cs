namespace RxTelnet.Tests.Protocol;

using RxTelnet.Protocol;

[TestFixture]
public sealed class TelnetEventTests
{
    [Test]
    public void Command_OnDataOrWarningEvent_ThrowsInvalidOperationException()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TelnetEvent.FromData(new byte[] { 1 }).Command, Throws.InvalidOperationException, "a data event has no command");
            Assert.That(() => TelnetEvent.FromWarning(new TelnetWarning(TelnetWarningKind.TruncatedSequence)).Command, Throws.InvalidOperationException, "a warning has no command");
        });
    }

    [Test]
    public void Warning_OnDataOrCommandEvent_ThrowsInvalidOperationException()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => TelnetEvent.FromData(new byte[] { 1 }).Warning, Throws.InvalidOperationException, "a data event has no warning");
            Assert.That(() => TelnetEvent.FromCommand(TelnetCommand.Simple(TelnetVerb.Nop)).Warning, Throws.InvalidOperationException, "a command event has no warning");
        });
    }

    [Test]
    public void Equals_DataEvents_CompareByContent()
    {
        var a = TelnetEvent.FromData(new byte[] { 1, 2 });
        var b = TelnetEvent.FromData(new byte[] { 0, 1, 2 }.AsMemory(1));

        Assert.That(a == b && a.GetHashCode() == b.GetHashCode(), Is.True, "data events are equal when their bytes are");
        Assert.That(a != TelnetEvent.FromCommand(TelnetCommand.Simple(TelnetVerb.Nop)), Is.True, "different kinds are never equal");
    }

    [Test]
    public void Message_EachWarningKind_NamesTheProblem()
    {
        Assert.Multiple(() =>
        {
            Assert.That(new TelnetWarning(TelnetWarningKind.SubnegotiationTooLong, TelnetOption.TerminalType).Message, Does.Contain("24 (TerminalType)").And.Contain("size limit"), "oversize names the option");
            Assert.That(new TelnetWarning(TelnetWarningKind.UnexpectedCommandInSubnegotiation, TelnetOption.Naws, TelnetVerb.Nop).Message, Does.Contain("IAC 241").And.Contain("31 (Naws)"), "the stray command and the option");
            Assert.That(new TelnetWarning(TelnetWarningKind.TruncatedSequence).Message, Does.Contain("IAC sequence"), "truncation outside a subnegotiation");
            Assert.That(new TelnetWarning(TelnetWarningKind.TruncatedSequence, TelnetOption.Naws).Message, Does.Contain("subnegotiation"), "truncation inside one");
        });
    }
}
