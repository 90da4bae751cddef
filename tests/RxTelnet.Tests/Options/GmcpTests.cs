namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class GmcpTests
{
    [Test]
    public void Encode_PackageAndJson_WireBytesAreExact()
    {
        var wire = Wire.Frame(TelnetOption.Gmcp, Gmcp.Encode("Core.Hello", "{\"client\":\"rx\"}"));

        Assert.That(wire, Is.EqualTo(Wire.Bytes(255, 250, 201, "Core.Hello {\"client\":\"rx\"}", 255, 240)));
    }

    [TestCase(null)]
    [TestCase("")]
    public void Encode_NoJson_IsThePackageAlone(string? json) =>
        Assert.That(Gmcp.Encode("Core.Ping", json), Is.EqualTo(Wire.Bytes("Core.Ping")));

    [Test]
    public void TryParse_AcrossTheWire_RoundTripsUnicode()
    {
        const string json = "{\"text\":\"h\u00E9llo \u2713 \uD83D\uDE00\"}";

        Assert.That(Gmcp.TryParse(Wire.RoundTrip(TelnetOption.Gmcp, Gmcp.Encode("Comm.Channel.Text", json)), out var package, out var parsed), Is.True);
        Assert.That(package, Is.EqualTo("Comm.Channel.Text"));
        Assert.That(parsed, Is.EqualTo(json));
    }

    [TestCase("Core.Ping", "Core.Ping", null)]
    [TestCase("Char.Vitals {\"hp\":1}", "Char.Vitals", "{\"hp\":1}")]
    [TestCase("Char.Vitals ", "Char.Vitals", "")]
    [TestCase("A  x y", "A", " x y")]
    public void TryParse_Valid_SplitsAtTheFirstSpace(string text, string package, string? json)
    {
        Assert.That(Gmcp.TryParse(Wire.Bytes(text), out var p, out var j), Is.True);
        Assert.That((p, j), Is.EqualTo((package, json)));
    }

    [TestCase(new byte[0], TestName = "TryParse_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 32, 65 }, TestName = "TryParse_LeadingSpace_ReturnsFalse")]
    [TestCase(new byte[] { 65, 32, 0xC3 }, TestName = "TryParse_TruncatedUtf8_ReturnsFalse")]
    [TestCase(new byte[] { 65, 0xFF }, TestName = "TryParse_InvalidUtf8_ReturnsFalse")]
    public void TryParse_Malformed(byte[] payload)
    {
        Assert.That(Gmcp.TryParse(payload, out var package, out var json), Is.False);
        Assert.That((package, json), Is.EqualTo((string.Empty, (string?)null)));
    }

    [Test]
    public void Encode_InvalidArguments_ThrowNamingTheParameter()
    {
        Assert.That(() => Gmcp.Encode(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("package"));
        Assert.That(() => Gmcp.Encode(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"));
        Assert.That(() => Gmcp.Encode("Core Hello"), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"));
        Assert.That(() => Gmcp.Encode("Core.\nHello"), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"));
        Assert.That(() => Gmcp.Encode("Core.Hello", "{\"x\":\"\uD800\"}"), Throws.ArgumentException.With.Property("ParamName").EqualTo("json"));
    }

    [TestCase(null)]
    [TestCase("{}")]
    public void Encode_LoneSurrogateInThePackage_ThrowsNamingThePackageWhateverTheJson(string? json)
    {
        var error = Assert.Throws<ArgumentException>(() => Gmcp.Encode("Core.\uD800", json));

        Assert.That(error!.ParamName, Is.EqualTo("package"), "the package is at fault, not the JSON");
        Assert.That(error.Message, Does.Contain("Core.\uD800"), "the message names the package");
    }

    [Test]
    public void Encode_LoneSurrogateInTheJson_ThrowsNamingTheJsonAndItsPackage()
    {
        var error = Assert.Throws<ArgumentException>(() => Gmcp.Encode("Char.Vitals", "{\"x\":\"\uDC00\"}"));

        Assert.That(error!.ParamName, Is.EqualTo("json"));
        Assert.That(error.Message, Does.Contain("Char.Vitals"), "the message says which message's JSON");
        Assert.That(error.InnerException, Is.InstanceOf<System.Text.EncoderFallbackException>());
    }

    [Test]
    public void Encode_BadPackage_MessageSaysWhyAndQuotesIt()
    {
        Assert.That(() => Gmcp.Encode(string.Empty), Throws.ArgumentException.With.Message.Contains("not empty"));
        Assert.That(() => Gmcp.Encode("Core\tHello", "{}"), Throws.ArgumentException.With.Message.Contains("\"Core\tHello\""));
        Assert.That(() => Gmcp.Encode("Core.\u0085", "{}"), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"), "NEL is whitespace and a control character");
        Assert.That(() => Gmcp.Encode("Core.\u007F"), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"), "DEL is a control character only");
        Assert.That(() => Gmcp.Encode("Core.\u00A0"), Throws.ArgumentException.With.Property("ParamName").EqualTo("package"), "NBSP is whitespace only");
    }

    [Test]
    public void Encode_NonAsciiPackageAndSurrogatePairs_AreUtf8()
    {
        Assert.That(Gmcp.Encode("Caf\u00E9.\uD83D\uDE00"), Is.EqualTo(Wire.Bytes(0x43, 0x61, 0x66, 0xC3, 0xA9, 0x2E, 0xF0, 0x9F, 0x98, 0x80)));
        Assert.That(Gmcp.Encode("A", "\"\u00E9\""), Is.EqualTo(Wire.Bytes(0x41, 0x20, 0x22, 0xC3, 0xA9, 0x22)));
    }
}
