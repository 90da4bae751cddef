namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class NawsTests
{
    [Test]
    public void Encode_80x24_WireBytesAreExact()
    {
        var wire = Wire.Frame(TelnetOption.Naws, Naws.Encode(80, 24));

        Assert.That(wire, Is.EqualTo(new byte[] { 255, 250, 31, 0, 80, 0, 24, 255, 240 }), "IAC SB NAWS 0 80 0 24 IAC SE");
    }

    [Test]
    public void Encode_Width255_PayloadIsPlainAndWireDoublesIac()
    {
        var payload = Naws.Encode(255, 24);
        var wire = Wire.Frame(TelnetOption.Naws, payload);

        Assert.That(payload, Is.EqualTo(new byte[] { 0, 255, 0, 24 }), "escaping belongs to the framing");
        Assert.That(wire, Is.EqualTo(new byte[] { 255, 250, 31, 0, 255, 255, 0, 24, 255, 240 }), "width 255 goes out as 0 255 255");
    }

    [Test]
    public void Encode_MaximumSize_EveryByteDoubledOnTheWire()
    {
        var wire = Wire.Frame(TelnetOption.Naws, Naws.Encode(ushort.MaxValue, ushort.MaxValue));

        Assert.That(wire, Is.EqualTo(new byte[] { 255, 250, 31, 255, 255, 255, 255, 255, 255, 255, 255, 255, 240 }));
    }

    [TestCase((ushort)0, (ushort)0)]
    [TestCase((ushort)80, (ushort)24)]
    [TestCase((ushort)255, (ushort)255)]
    [TestCase((ushort)256, (ushort)65280)]
    [TestCase(ushort.MaxValue, ushort.MaxValue)]
    public void TryParse_AcrossTheWire_RoundTrips(ushort width, ushort height)
    {
        var received = Wire.RoundTrip(TelnetOption.Naws, Naws.Encode(width, height));

        Assert.That(Naws.TryParse(received, out var w, out var h), Is.True);
        Assert.That((w, h), Is.EqualTo((width, height)));
    }

    [TestCase(new byte[0])]
    [TestCase(new byte[] { 0, 80, 0 })]
    [TestCase(new byte[] { 0, 80, 0, 24, 0 })]
    public void TryParse_WrongLength_ReturnsFalse(byte[] payload)
    {
        Assert.That(Naws.TryParse(payload, out var w, out var h), Is.False);
        Assert.That((w, h), Is.EqualTo(((ushort)0, (ushort)0)));
    }

    [Test]
    public void Encode_IntoSpan_WritesFourBytes()
    {
        var destination = new byte[6];

        Assert.That(Naws.Encode(0x1234, 0xABCD, destination), Is.EqualTo(4));
        Assert.That(destination, Is.EqualTo(new byte[] { 0x12, 0x34, 0xAB, 0xCD, 0, 0 }));
    }

    [Test]
    public void Encode_SpanTooSmall_ThrowsNamingTheParameter() =>
        Assert.That(() => Naws.Encode(80, 24, new byte[3]), Throws.ArgumentException.With.Property("ParamName").EqualTo("destination").And.Message.Contains("needs 4 bytes"));
}
