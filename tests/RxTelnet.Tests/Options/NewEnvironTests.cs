namespace RxTelnet.Tests.Options;

using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class NewEnvironTests
{
    private const int Var = 0, Value = 1, Esc = 2, UserVar = 3;

    [Test]
    public void Encode_IsWithDefinedUndefinedAndEmptyValues_BytesAreExact()
    {
        var payload = NewEnviron.Encode(NewEnvironCommand.Is, [
            new(NewEnvironVariableType.Var, "USER", "joe"),
            new(NewEnvironVariableType.Var, "DISPLAY", null),
            new(NewEnvironVariableType.UserVar, "X", string.Empty),
        ]);

        Assert.That(payload, Is.EqualTo(Wire.Bytes(0, Var, "USER", Value, "joe", Var, "DISPLAY", UserVar, "X", Value)));
    }

    [Test]
    public void Encode_ReservedBytesInNamesAndValues_AreEscapedWithEsc()
    {
        var payload = NewEnviron.Encode(NewEnvironCommand.Info, [new(NewEnvironVariableType.UserVar, "A\u0001B", "\0\u0001\u0002\u0003z")]);

        Assert.That(payload, Is.EqualTo(Wire.Bytes(2, UserVar, "A", Esc, 1, "B", Value, Esc, 0, Esc, 1, Esc, 2, Esc, 3, "z")));
    }

    [Test]
    public void TryParse_AcrossTheWire_RoundTripsEscapesAndUnicode()
    {
        NewEnvironVariable[] variables =
        [
            new(NewEnvironVariableType.Var, "USER", "jo\u0002e"),
            new(NewEnvironVariableType.Var, "PRINTER", null),
            new(NewEnvironVariableType.UserVar, "LANG\u0003", "fr_FR.UTF-8 \u00E9\u2713"),
            new(NewEnvironVariableType.UserVar, "EMPTY", string.Empty),
        ];

        var received = Wire.RoundTrip(TelnetOption.NewEnvironment, NewEnviron.Encode(NewEnvironCommand.Is, variables));

        Assert.That(NewEnviron.TryParse(received, out var command, out var parsed), Is.True);
        Assert.That(command, Is.EqualTo(NewEnvironCommand.Is));
        Assert.That(parsed, Is.EqualTo(variables));
    }

    [Test]
    public void TryParse_Info_ReportsInfo()
    {
        Assert.That(NewEnviron.TryParse(Wire.Bytes(2, Var, "USER", Value, "x"), out var command, out var parsed), Is.True);
        Assert.That(command, Is.EqualTo(NewEnvironCommand.Info));
        Assert.That(parsed, Is.EqualTo(new[] { new NewEnvironVariable(NewEnvironVariableType.Var, "USER", "x") }));
    }

    [Test]
    public void TryParse_IsWithoutVariables_IsValidAndEmpty()
    {
        Assert.That(NewEnviron.TryParse(new byte[] { 0 }, out _, out var parsed), Is.True);
        Assert.That(parsed, Is.Empty);
    }

    [TestCase(new byte[0], TestName = "TryParse_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 1 }, TestName = "TryParse_Send_ReturnsFalse")]
    [TestCase(new byte[] { 3, 0, 65 }, TestName = "TryParse_UnknownCommand_ReturnsFalse")]
    [TestCase(new byte[] { 0, 65 }, TestName = "TryParse_TextBeforeType_ReturnsFalse")]
    [TestCase(new byte[] { 0, 1, 65 }, TestName = "TryParse_ValueBeforeType_ReturnsFalse")]
    [TestCase(new byte[] { 0, 0, 65, 1, 66, 1, 67 }, TestName = "TryParse_TwoValues_ReturnsFalse")]
    [TestCase(new byte[] { 0, 0, 65, 2 }, TestName = "TryParse_DanglingEsc_ReturnsFalse")]
    [TestCase(new byte[] { 0, 0, 65, 1, 66, 2 }, TestName = "TryParse_DanglingEscInValue_ReturnsFalse")]
    public void TryParse_Malformed(byte[] payload)
    {
        Assert.That(NewEnviron.TryParse(payload, out _, out var parsed), Is.False);
        Assert.That(parsed, Is.Empty);
    }

    [Test]
    public void EncodeSend_NoRequests_IsSendAlone() =>
        Assert.That(Wire.Frame(TelnetOption.NewEnvironment, NewEnviron.EncodeSend([])), Is.EqualTo(new byte[] { 255, 250, 39, 1, 255, 240 }));

    [Test]
    public void EncodeSend_NamedAndAllOfType_BytesAreExact()
    {
        var payload = NewEnviron.EncodeSend([new(NewEnvironVariableType.Var, "USER"), new(NewEnvironVariableType.UserVar, null)]);

        Assert.That(payload, Is.EqualTo(Wire.Bytes(1, Var, "USER", UserVar)));
    }

    [TestCase(new byte[] { 1 }, "")]
    [TestCase(new byte[] { 1, 0 }, "Var:*")]
    [TestCase(new byte[] { 1, 0, 85, 3 }, "Var:U UserVar:*")]
    [TestCase(new byte[] { 1, 3, 65, 2, 0, 66, 0, 67 }, "UserVar:A\0B Var:C")]
    public void TryParseSend_Valid_ListsTheRequests(byte[] payload, string expected)
    {
        Assert.That(NewEnviron.TryParseSend(payload, out var requests), Is.True);
        Assert.That(string.Join(" ", requests.Select(r => $"{r.Type}:{r.Name ?? "*"}")), Is.EqualTo(expected));
    }

    [TestCase(new byte[0], TestName = "TryParseSend_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 0 }, TestName = "TryParseSend_Is_ReturnsFalse")]
    [TestCase(new byte[] { 1, 65 }, TestName = "TryParseSend_TextBeforeType_ReturnsFalse")]
    [TestCase(new byte[] { 1, 0, 65, 1, 66 }, TestName = "TryParseSend_Value_ReturnsFalse")]
    [TestCase(new byte[] { 1, 0, 65, 2 }, TestName = "TryParseSend_DanglingEsc_ReturnsFalse")]
    public void TryParseSend_Malformed(byte[] payload)
    {
        Assert.That(NewEnviron.TryParseSend(payload, out var requests), Is.False);
        Assert.That(requests, Is.Empty);
    }

    [Test]
    public void EncodeSend_AcrossTheWire_RoundTrips()
    {
        NewEnvironRequest[] requests = [new(NewEnvironVariableType.Var, "USER"), new(NewEnvironVariableType.UserVar, "A\u0001"), new(NewEnvironVariableType.Var, null)];

        Assert.That(NewEnviron.TryParseSend(Wire.RoundTrip(TelnetOption.NewEnvironment, NewEnviron.EncodeSend(requests)), out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(requests));
    }

    [Test]
    public void Encode_InvalidArguments_ThrowNamingTheParameter()
    {
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Send, []), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("command"));
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Is, null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Is, [new(NewEnvironVariableType.Var, string.Empty, "x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Is, [new(NewEnvironVariableType.Var, null!, "x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Is, [new((NewEnvironVariableType)1, "A", "x")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => NewEnviron.EncodeSend(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("requests"));
        Assert.That(() => NewEnviron.EncodeSend([new(NewEnvironVariableType.Var, string.Empty)]), Throws.ArgumentException.With.Property("ParamName").EqualTo("requests"));
        Assert.That(() => NewEnviron.EncodeSend([new((NewEnvironVariableType)2, "A")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("requests"));
    }

    [Test]
    public void Encode_Refusals_MessagesSayWhat()
    {
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Is, [new((NewEnvironVariableType)1, "A", "x")]), Throws.ArgumentException.With.Message.Contains("1 is not VAR or USERVAR"));
        Assert.That(() => NewEnviron.Encode(NewEnvironCommand.Info, [new(NewEnvironVariableType.Var, string.Empty, "x")]), Throws.ArgumentException.With.Message.Contains("has a name"));
        Assert.That(() => NewEnviron.EncodeSend([new(NewEnvironVariableType.UserVar, string.Empty)]), Throws.ArgumentException.With.Message.Contains("null name"));
        Assert.That(() => NewEnviron.Encode((NewEnvironCommand)7, []), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ActualValue").EqualTo((NewEnvironCommand)7).And.Message.Contains("IS or INFO"));
        Assert.That(NewEnviron.Encode(NewEnvironCommand.Info, []), Is.EqualTo(new byte[] { 2 }));
    }

    [Test]
    public void TryParse_EscapedMarkersAndValueAtTheEnd_AreRead()
    {
        Assert.That(NewEnviron.TryParse(Wire.Bytes(0, UserVar, Esc, Var, "N", Esc, UserVar, Value, Esc, Esc, Esc, Value), out var command, out var parsed), Is.True);
        Assert.That(command, Is.EqualTo(NewEnvironCommand.Is));
        Assert.That(parsed, Is.EqualTo(new[] { new NewEnvironVariable(NewEnvironVariableType.UserVar, "\0N\u0003", "\u0002\u0001") }));

        Assert.That(NewEnviron.TryParse(Wire.Bytes(2, Var, "A", Value), out command, out parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(new[] { new NewEnvironVariable(NewEnvironVariableType.Var, "A", string.Empty) }), "VALUE with nothing after it is an empty value");
        Assert.That(command, Is.EqualTo(NewEnvironCommand.Info));
    }

    [Test]
    public void TryParse_Malformed_LeavesTheCommandAtItsDefault()
    {
        Assert.That(NewEnviron.TryParse(Wire.Bytes(2, Var, "A", Value, "1", Value), out var command, out _), Is.False);
        Assert.That(command, Is.EqualTo(default(NewEnvironCommand)));
        Assert.That(NewEnviron.TryParse(Wire.Bytes(2, 65), out command, out _), Is.False);
        Assert.That(command, Is.EqualTo(default(NewEnvironCommand)));
    }

    [TestCase(new byte[] { 1, 3, 2 }, TestName = "TryParseSend_DanglingEscAfterType_ReturnsFalse")]
    [TestCase(new byte[] { 1, 3, 1 }, TestName = "TryParseSend_ValueAfterType_ReturnsFalse")]
    [TestCase(new byte[] { 1, 0, 65, 66, 1 }, TestName = "TryParseSend_ValueAtTheEnd_ReturnsFalse")]
    public void TryParseSend_MoreMalformed(byte[] payload)
    {
        Assert.That(NewEnviron.TryParseSend(payload, out var requests), Is.False);
        Assert.That(requests, Is.Empty);
    }
}
