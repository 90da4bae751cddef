namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class MsspTests
{
    private const int Var = 1, Val = 2;

    [Test]
    public void Encode_SingleValues_WireBytesAreExact()
    {
        var payload = Mssp.Encode([new KeyValuePair<string, string>("NAME", "Mud"), new KeyValuePair<string, string>("PLAYERS", "5")]);

        Assert.That(Wire.Frame(TelnetOption.Mssp, payload), Is.EqualTo(Wire.Bytes(255, 250, 70, Var, "NAME", Val, "Mud", Var, "PLAYERS", Val, "5", 255, 240)));
    }

    [Test]
    public void Encode_SeveralValues_RepeatsMsspVal()
    {
        var payload = Mssp.Encode(new Dictionary<string, IReadOnlyList<string>> { ["PORT"] = ["4000", "4001"] });

        Assert.That(payload, Is.EqualTo(Wire.Bytes(Var, "PORT", Val, "4000", Val, "4001")));
    }

    [Test]
    public void TryParse_AcrossTheWire_RoundTrips()
    {
        var variables = new Dictionary<string, IReadOnlyList<string>>
        {
            ["NAME"] = ["Caf\u00E9 MUD"],
            ["PORT"] = ["4000", "4001"],
            ["CODEBASE"] = [string.Empty],
        };

        Assert.That(Mssp.TryParse(Wire.RoundTrip(TelnetOption.Mssp, Mssp.Encode(variables)), out var parsed), Is.True);
        Assert.That(parsed, Is.EquivalentTo(variables));
    }

    [Test]
    public void TryParse_RepeatedNameAndNameWithoutValue_AreKept()
    {
        Assert.That(Mssp.TryParse(Wire.Bytes(Var, "PORT", Val, "1", Var, "EMPTY", Var, "PORT", Val, "2"), out var parsed), Is.True);
        Assert.That(parsed["PORT"], Is.EqualTo(new[] { "1", "2" }), "a name sent twice collects both values");
        Assert.That(parsed["EMPTY"], Is.Empty);
    }

    [Test]
    public void TryParse_Empty_IsAnEmptyTable()
    {
        Assert.That(Mssp.TryParse(ReadOnlySpan<byte>.Empty, out var parsed), Is.True);
        Assert.That(parsed, Is.Empty);
    }

    [TestCase(new byte[] { 2, 65 }, TestName = "TryParse_ValueFirst_ReturnsFalse")]
    [TestCase(new byte[] { 65 }, TestName = "TryParse_TextFirst_ReturnsFalse")]
    [TestCase(new byte[] { 1 }, TestName = "TryParse_EmptyName_ReturnsFalse")]
    [TestCase(new byte[] { 1, 2, 65 }, TestName = "TryParse_EmptyNameWithValue_ReturnsFalse")]
    public void TryParse_Malformed(byte[] payload)
    {
        Assert.That(Mssp.TryParse(payload, out var parsed), Is.False);
        Assert.That(parsed, Is.Empty);
    }

    [Test]
    public void Encode_InvalidArguments_ThrowNamingTheParameter()
    {
        Assert.That(() => Mssp.Encode((IEnumerable<KeyValuePair<string, string>>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode((IEnumerable<KeyValuePair<string, IReadOnlyList<string>>>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>(string.Empty, "x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("A\u0001", "x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("A", "x\0")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("A", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, IReadOnlyList<string>>("A", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
    }

    [Test]
    public void Encode_MarkerAtTheStart_IsRefusedAndQuoted()
    {
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("\u0001A", "x")]), Throws.ArgumentException.With.Message.Contains("\"\u0001A\""));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("A", "\u0002x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>("A", "\0")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(Mssp.Encode([new KeyValuePair<string, string>("A", "\u0003\u00FF")]), Is.EqualTo(Wire.Bytes(Var, "A", Val, 3, 0xC3, 0xBF)), "3 and up are plain text");
    }

    [Test]
    public void Encode_NullsAndEmptyName_MessagesSayWhat()
    {
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>(null!, "x")]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables").And.Message.Contains("name or value is null"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, string>(string.Empty, "x")]), Throws.ArgumentException.With.Message.Contains("not empty"));
        Assert.That(() => Mssp.Encode([new KeyValuePair<string, IReadOnlyList<string>>("PORT", null!)]), Throws.ArgumentNullException.With.Message.Contains("\"PORT\""));
    }

    [Test]
    public void Encode_NameWithNoValues_IsTheNameAlone_AndEmptyValuesAreSent()
    {
        var payload = Mssp.Encode(new Dictionary<string, IReadOnlyList<string>> { ["A"] = [], ["B"] = [string.Empty, string.Empty] });

        Assert.That(payload, Is.EqualTo(Wire.Bytes(Var, "A", Var, "B", Val, Val)));
        Assert.That(Mssp.TryParse(payload, out var parsed), Is.True);
        Assert.That(parsed["A"], Is.Empty);
        Assert.That(parsed["B"], Is.EqualTo(new[] { string.Empty, string.Empty }));
    }

    [Test]
    public void TryParse_NamesAreCaseSensitive_AndTheTableIsReadOnly()
    {
        Assert.That(Mssp.TryParse(Wire.Bytes(Var, "name", Val, "a", Var, "NAME", Val, "b"), out var parsed), Is.True);
        Assert.That(parsed.Keys, Is.EquivalentTo(new[] { "name", "NAME" }));
        Assert.That(parsed["name"], Is.EqualTo(new[] { "a" }));
        Assert.That(parsed.ContainsKey("Name"), Is.False);
        Assert.That(parsed["NAME"], Is.Not.InstanceOf<List<string>>(), "the caller cannot add to a parsed list");
    }

    [Test]
    public void Encode_LoneSurrogate_RefusedNamingTheArgument_NotReplaced()
    {
        // U+FFFD would go out in its place, silently: GMCP and MSDP refuse such text, and so does MSSP.
        var broken = "UP" + (char)0xDC00;
        var variables = new Dictionary<string, IReadOnlyList<string>> { ["NAME"] = [broken] };
        var error = Assert.Throws<ArgumentException>(() => Mssp.Encode(variables));
        Assert.That(error!.ParamName, Is.EqualTo("variables"));
        Assert.That(error.Message, Does.Contain("UTF-16"));
    }
}
