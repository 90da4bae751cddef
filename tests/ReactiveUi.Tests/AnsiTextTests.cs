namespace RxTelnet.Samples.ReactiveUi.Tests;

public class AnsiTextTests
{
    [TestCase("plain text\n", "plain text\n")]
    [TestCase("\u001b[1;31mred\u001b[0m", "red")]
    [TestCase("\u001b[38;5;208morange\u001b[m!", "orange!")]
    [TestCase("a\u001b[2Jb\u001b[Hc\u001b[?25ld", "abcd")]
    [TestCase("\u001b]0;title\u0007prompt", "prompt")]
    [TestCase("\u001b]2;title\u001b\\prompt", "prompt")]
    [TestCase("\u001b(Bx\u001b7y\u001b8", "xy")]
    [TestCase("line\r\n", "line\n")]
    [TestCase("tab\tbell\u0007bs\b", "tab\tbellbs")]
    [TestCase("\u009b31mc1\u009b0m", "c1")]
    [TestCase("", "")]
    public void Strip_Text_RemovesSequencesAndControls(string input, string expected) =>
        Assert.That(AnsiText.Strip(input), Is.EqualTo(expected));

    [Test]
    public void Strip_SequenceCutAtChunkEnd_ReturnsItAsPending()
    {
        var first = AnsiText.Strip("ok \u001b[1;3", out var pending);
        var second = AnsiText.Strip(pending + "2mgreen", out var rest);

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo("ok "));
            Assert.That(pending, Is.EqualTo("\u001b[1;3"));
            Assert.That(second, Is.EqualTo("green"));
            Assert.That(rest, Is.Empty);
        });
    }

    [TestCase("\u001b")]
    [TestCase("\u001b[")]
    [TestCase("\u001b]0;half a title")]
    [TestCase("\u001b]0;t\u001b")]
    public void Strip_UnfinishedSequence_IsPendingNotText(string tail)
    {
        var text = AnsiText.Strip("x" + tail, out var pending);

        Assert.That((text, pending), Is.EqualTo(("x", tail)));
    }

    [Test]
    public void Strip_EveryChunkBoundary_GivesTheWholeResult()
    {
        const string input = "\u001b[32mgreen\u001b[0m \u001b]0;t\u0007plain\u001b(B end\r\n";
        var whole = AnsiText.Strip(input);
        for (var cut = 0; cut <= input.Length; cut++)
        {
            var a = AnsiText.Strip(input[..cut], out var pending);
            var b = AnsiText.Strip(pending + input[cut..], out var rest);
            Assert.That((a + b, rest), Is.EqualTo((whole, string.Empty)), $"cut at {cut}");
        }

        Assert.That(whole, Is.EqualTo("green plain end\n"));
    }

    [Test]
    public void Strip_EndlessString_DropsItBeyondTheLimit()
    {
        var text = AnsiText.Strip("x\u001b]" + new string('a', AnsiText.MaxPending + 1), out var pending);

        Assert.That((text, pending), Is.EqualTo(("x", string.Empty)));
    }

    [Test]
    public void Strip_MalformedCsi_KeepsTheStrayCharacter() =>
        Assert.That(AnsiText.Strip("\u001b[12\nnext"), Is.EqualTo("\nnext"));
}
