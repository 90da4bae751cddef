namespace RxTelnet.Samples.ReactiveUi.Tests;

using RxTelnet.Samples.ReactiveUi;

[TestFixture]
public sealed class UiCommandLineTests
{
    [Test]
    public void NoArguments_TheDemoServer()
    {
        var (host, port, code) = UiCommandLine.Parse([], new StringWriter(), new StringWriter());

        Assert.That((host, port, code), Is.EqualTo(((string?)null, 23, (int?)null)));
    }

    [Test]
    public void HostAndPort()
    {
        var (host, port, code) = UiCommandLine.Parse(["--host", "10.0.0.1", "--port", "2323"], new StringWriter(), new StringWriter());

        Assert.That((host, port, code), Is.EqualTo(("10.0.0.1", 2323, (int?)null)));
    }

    [TestCase("--bogus")]
    [TestCase("--port", "abc")]
    [TestCase("--port", "0")]
    [TestCase("--host")]
    public void Invalid_ExitsOneWithTheErrorAndTheUsage(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var (_, _, code) = UiCommandLine.Parse(args, output, error);

        Assert.That(code, Is.EqualTo(1));
        Assert.That(error.ToString(), Is.Not.Empty);
        Assert.That(output.ToString() + error.ToString(), Does.Contain("Usage:"));
    }

    [Test]
    public void Help_ExitsZero()
    {
        var output = new StringWriter();

        var (_, _, code) = UiCommandLine.Parse(["--help"], output, new StringWriter());

        Assert.That(code, Is.Zero);
        Assert.That(output.ToString(), Does.Contain("--host").And.Contain("--port"));
    }
}
