namespace RxTelnet.Tests.Options;

using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class StatusTests
{
    private const int Will = 251, Do = 253, Sb = 250, Se = 240;

    [Test]
    public void EncodeSend_WireBytesAreExact()
    {
        Assert.That(Wire.Frame(TelnetOption.Status, Status.EncodeSend()), Is.EqualTo(new byte[] { 255, 250, 5, 1, 255, 240 }));
        Assert.That(Status.IsSend(new byte[] { 1 }), Is.True);
        Assert.That(Status.IsSend(new byte[] { 0 }) || Status.IsSend(new byte[] { 1, 1 }) || Status.IsSend([]), Is.False);
    }

    [Test]
    public void EncodeIs_NothingEnabled_IsIsAlone() =>
        Assert.That(Status.EncodeIs(new Negotiator()), Is.EqualTo(new byte[] { 0 }));

    [Test]
    public void EncodeIs_Rfc859Example_BytesMatchTheRfc()
    {
        // RFC 859 §6: "IAC SB STATUS IS WILL ECHO DO SUPPRESS-GO-AHEAD WILL STATUS DO STATUS IAC SE".
        var negotiator = Enabled(
            (TelnetVerb.Do, TelnetOption.Echo),
            (TelnetVerb.Will, TelnetOption.SuppressGoAhead),
            (TelnetVerb.Do, TelnetOption.Status),
            (TelnetVerb.Will, TelnetOption.Status));

        var wire = Wire.Frame(TelnetOption.Status, Status.EncodeIs(negotiator));

        Assert.That(wire, Is.EqualTo(Wire.Bytes(255, 250, 5, 0, Will, 1, Do, 3, Will, 5, Do, 5, 255, 240)));
    }

    [Test]
    public void EncodeIs_Option240_IsSentAsSeSe()
    {
        var negotiator = Enabled((TelnetVerb.Do, (TelnetOption)240));

        Assert.That(Status.EncodeIs(negotiator), Is.EqualTo(Wire.Bytes(0, Will, Se, Se)), "RFC 859: SE as data is doubled");
        Assert.That(Wire.Frame(TelnetOption.Status, Status.EncodeIs(negotiator)), Is.EqualTo(Wire.Bytes(255, 250, 5, 0, Will, Se, Se, 255, 240)));
    }

    [Test]
    public void EncodeIs_Option255_IsDoubledByTheFramingOnly()
    {
        var negotiator = Enabled((TelnetVerb.Will, TelnetOption.ExtendedOptionsList));

        Assert.That(Status.EncodeIs(negotiator), Is.EqualTo(Wire.Bytes(0, Do, 255)));
        Assert.That(Wire.Frame(TelnetOption.Status, Status.EncodeIs(negotiator)), Is.EqualTo(Wire.Bytes(255, 250, 5, 0, Do, 255, 255, 255, 240)));
    }

    [Test]
    public void TryParseIs_AcrossTheWire_RoundTripsTheNegotiatorsView()
    {
        var negotiator = Enabled(
            (TelnetVerb.Do, TelnetOption.Echo),
            (TelnetVerb.Will, TelnetOption.Naws),
            (TelnetVerb.Do, (TelnetOption)240),
            (TelnetVerb.Will, TelnetOption.ExtendedOptionsList));

        Assert.That(Status.TryParseIs(Wire.RoundTrip(TelnetOption.Status, Status.EncodeIs(negotiator)), out var commands), Is.True);
        Assert.That(commands, Is.EqualTo(new[]
        {
            TelnetCommand.Negotiation(TelnetVerb.Will, TelnetOption.Echo),
            TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.Naws),
            TelnetCommand.Negotiation(TelnetVerb.Will, (TelnetOption)240),
            TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.ExtendedOptionsList),
        }));
    }

    [Test]
    public void TryParseIs_Subnegotiation_UnescapesSeSe()
    {
        var payload = Wire.Bytes(0, Sb, 24, "x", Se, Se, "y", Se, Will, 1);

        Assert.That(Status.TryParseIs(payload, out var commands), Is.True);
        Assert.That(commands, Is.EqualTo(new[]
        {
            TelnetCommand.Subnegotiation(TelnetOption.TerminalType, Wire.Bytes("x", Se, "y")),
            TelnetCommand.Negotiation(TelnetVerb.Will, TelnetOption.Echo),
        }));
    }

    [Test]
    public void TryParseIs_UndoubledOption240_IsTolerated()
    {
        Assert.That(Status.TryParseIs(Wire.Bytes(0, Will, Se, Do, 1), out var commands), Is.True);
        Assert.That(commands, Has.Count.EqualTo(2));
    }

    [TestCase(new byte[0], TestName = "TryParseIs_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 1 }, TestName = "TryParseIs_Send_ReturnsFalse")]
    [TestCase(new byte[] { 0, 251 }, TestName = "TryParseIs_VerbWithoutOption_ReturnsFalse")]
    [TestCase(new byte[] { 0, 250, 24, 65 }, TestName = "TryParseIs_UnterminatedSb_ReturnsFalse")]
    [TestCase(new byte[] { 0, 7, 1 }, TestName = "TryParseIs_UnknownVerb_ReturnsFalse")]
    public void TryParseIs_Malformed(byte[] payload)
    {
        Assert.That(Status.TryParseIs(payload, out var commands), Is.False);
        Assert.That(commands, Is.Empty);
    }

    [Test]
    public void EncodeIs_NullNegotiator_ThrowsNamingTheParameter() =>
        Assert.That(() => Status.EncodeIs(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("negotiator"));

    [Test]
    public void EncodeIs_FirstAndLastOptions_AreListedOnce()
    {
        var negotiator = Enabled((TelnetVerb.Do, TelnetOption.Binary), (TelnetVerb.Will, TelnetOption.Binary), (TelnetVerb.Do, TelnetOption.ExtendedOptionsList));

        Assert.That(Status.EncodeIs(negotiator), Is.EqualTo(Wire.Bytes(0, Will, 0, Do, 0, Will, 255)));
    }

    [Test]
    public void TryParseIs_Option240AtTheEnd_IsRead()
    {
        Assert.That(Status.TryParseIs(Wire.Bytes(0, Do, 1, Will, Se), out var commands), Is.True);
        Assert.That(commands, Is.EqualTo(new[]
        {
            TelnetCommand.Negotiation(TelnetVerb.Do, TelnetOption.Echo),
            TelnetCommand.Negotiation(TelnetVerb.Will, (TelnetOption)240),
        }));
    }

    [Test]
    public void TryParseIs_WontDontAndSubnegotiationAtTheEnd_AreRead()
    {
        Assert.That(Status.TryParseIs(Wire.Bytes(0, 252, 1, 254, 3, Sb, 31, 0, 80, Se), out var commands), Is.True);
        Assert.That(commands, Is.EqualTo(new[]
        {
            TelnetCommand.Negotiation(TelnetVerb.Wont, TelnetOption.Echo),
            TelnetCommand.Negotiation(TelnetVerb.Dont, TelnetOption.SuppressGoAhead),
            TelnetCommand.Subnegotiation(TelnetOption.Naws, Wire.Bytes(0, 80)),
        }));
        Assert.That(Status.TryParseIs(Wire.Bytes(0, Sb, 31, 0, 80, Se, Se), out commands), Is.False, "SE SE at the end is a data SE: the SB is not closed");
        Assert.That(commands, Is.Empty);
    }

    [Test]
    public void TryParseIs_EmptySubnegotiationAndSbOption240_AreRead()
    {
        Assert.That(Status.TryParseIs(Wire.Bytes(0, Sb, 24, Se), out var empty), Is.True);
        Assert.That(empty, Is.EqualTo(new[] { TelnetCommand.Subnegotiation(TelnetOption.TerminalType, Array.Empty<byte>()) }));
        Assert.That(Status.TryParseIs(Wire.Bytes(0, Sb, Se, Se, 7, Se), out var high), Is.True);
        Assert.That(high, Is.EqualTo(new[] { TelnetCommand.Subnegotiation((TelnetOption)240, Wire.Bytes(7)) }));
    }

    /// <summary>A negotiator where the peer enabled each (DO = our side, WILL = its side) and we agreed.</summary>
    private static Negotiator Enabled(params (TelnetVerb Verb, TelnetOption Option)[] requests)
    {
        var negotiator = new Negotiator(new TelnetOptionPolicy().Allow(requests.Select(r => r.Option).ToArray()));
        foreach (var (verb, option) in requests)
        {
            Assert.That(negotiator.Receive(TelnetCommand.Negotiation(verb, option)), Has.Count.EqualTo(1), $"{verb} {option} accepted");
        }

        return negotiator;
    }
}
