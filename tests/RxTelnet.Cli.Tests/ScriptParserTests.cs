namespace RxTelnet.Cli.Tests;

[TestFixture]
public sealed class ScriptParserTests
{
    [Test]
    public void Parse_StepsCommentsAndBlankLines_KeepsStepsWithLineNumbers()
    {
        var steps = Script.Parse("# comment\n\ntimeout 2.5\r\nexpect login: \nsend admin\n");

        Assert.That(steps, Has.Count.EqualTo(3));
        Assert.Multiple(() =>
        {
            Assert.That(steps[0], Is.EqualTo(new TimeoutStep(3, TimeSpan.FromSeconds(2.5))));
            Assert.That(((ExpectStep)steps[1]).Pattern.ToString(), Is.EqualTo("login: "), "trailing space is part of the pattern");
            Assert.That(steps[1].Line, Is.EqualTo(4));
            Assert.That(steps[2], Is.EqualTo(new SendStep(5, "admin\n")));
        });
    }

    [TestCase(@"show version", "show version\n")]
    [TestCase(@"", "\n")]
    [TestCase(@"y\c", "y")]
    [TestCase(@"\x03\c", "\x03")]
    [TestCase(@"a\tb\\c\r", "a\tb\\c\r\n")]
    [TestCase(@"\e[A\c", "\x1b[A")]
    public void Unescape_Escapes_BecomeCharacters(string text, string expected) =>
        Assert.That(Script.Unescape(text), Is.EqualTo(expected));

    [TestCase("sleep 1", "x:1: unknown step 'sleep'")]
    [TestCase("expect", "x:1: 'expect' needs a regular expression")]
    [TestCase("expect (", "x:1: invalid regular expression '('")]
    [TestCase("timeout soon", "x:1: invalid timeout 'soon'")]
    [TestCase("timeout 0", "x:1: invalid timeout '0'")]
    [TestCase(@"send \q", @"x:1: unknown escape '\q'")]
    [TestCase(@"send \xff", @"x:1: unknown escape '\x'")]
    public void Parse_InvalidLine_FailsNamingFileAndLine(string line, string message) =>
        Assert.That(() => Script.Parse(line, "x"), Throws.TypeOf<ScriptException>().With.Message.StartsWith(message));
}

[TestFixture]
public sealed class KeyTests
{
    [Test]
    public void IsEscape_CtrlBracketAsUnixConsolesReportIt_IsTheEscape()
    {
        Assert.Multiple(() =>
        {
            Assert.That(InteractiveClient.IsEscape(new ConsoleKeyInfo('\0', ConsoleKey.D5, false, false, true)), Is.True);
            Assert.That(InteractiveClient.IsEscape(new ConsoleKeyInfo('\x1d', 0, false, false, false)), Is.True);
            Assert.That(InteractiveClient.IsEscape(new ConsoleKeyInfo('5', ConsoleKey.D5, false, false, false)), Is.False);
        });
    }

    [TestCase('\0', ConsoleKey.UpArrow, false, "\x1b[A")]
    [TestCase('\r', ConsoleKey.Enter, false, "\n")]
    [TestCase('\b', ConsoleKey.Backspace, false, "\x7f")]
    [TestCase('\x03', ConsoleKey.C, true, "\x03")]
    [TestCase('\0', ConsoleKey.D6, true, "\x1e")]
    [TestCase('\0', ConsoleKey.D2, true, "\0")]
    [TestCase('é', (ConsoleKey)0, false, "é")]
    [TestCase('\0', ConsoleKey.F12, false, "")]
    public void KeyText_Key_SendsTheTerminalSequence(char c, ConsoleKey key, bool control, string expected) =>
        Assert.That(InteractiveClient.KeyText(new ConsoleKeyInfo(c, key, false, false, control)), Is.EqualTo(expected));
}
