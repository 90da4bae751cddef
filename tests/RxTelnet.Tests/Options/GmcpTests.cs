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
}
