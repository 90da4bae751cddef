namespace RxTelnet.Samples.ReactiveUi.Tests;

public class ScreenTextTests
{
    [TestCase("a\nb\nc\nd", 10, 2, "c\nd")]
    [TestCase("a\nb", 10, 5, "a\nb")]
    [TestCase("abcdef", 4, 5, "abcd\nef")]
    [TestCase("abcdef\ngh", 4, 2, "ef\ngh")]
    [TestCase("prompt\n", 10, 2, "prompt\n")]
    [TestCase("", 10, 3, "")]
    [TestCase("abc", 10, 0, "")]
    public void Tail_Text_GivesTheRowsAtTheBottom(string text, int width, int height, string expected) =>
        Assert.That(ScreenText.Tail(text, width, height), Is.EqualTo(expected));
}
