namespace RxTelnet.Tests.Options;

using System.Text;
using RxTelnet.Options;

/// <summary>The MSDP codec: the wire form of strings, arrays and tables, nested; hostile payloads; the JSON of MSDP over GMCP.</summary>
[TestFixture]
public sealed class MsdpTests
{
    private static byte[] Bytes(params object[] parts) =>
        [.. parts.SelectMany(static p => p is string s ? Encoding.UTF8.GetBytes(s) : [Convert.ToByte(p)])];

    private const byte V = Msdp.Var, L = Msdp.Val, TO = Msdp.TableOpen, TC = Msdp.TableClose, AO = Msdp.ArrayOpen, AC = Msdp.ArrayClose;

    private static readonly MsdpVariable[] Nested =
    [
        new("HEALTH", "100"),
        new("ROOM", MsdpValue.TableOf(
            new MsdpVariable("VNUM", "6008"),
            new MsdpVariable("NAME", "The Forest Path – north"),
            new MsdpVariable("EXITS", MsdpValue.TableOf(new MsdpVariable("n", "6011"), new MsdpVariable("e", "6007"))),
            new MsdpVariable("TAGS", MsdpValue.ArrayOf("quiet", "dark")))),
        new("EMPTY", MsdpValue.ArrayOf(Array.Empty<string>())),
    ];

    [Test]
    public void Encode_NestedTablesAndArrays_MatchesTheSpecsByteLayout()
    {
        var wire = Msdp.Encode(Nested);

        Assert.That(wire, Is.EqualTo(Bytes(
            V, "HEALTH", L, "100",
            V, "ROOM", L, TO,
                V, "VNUM", L, "6008",
                V, "NAME", L, "The Forest Path – north",
                V, "EXITS", L, TO, V, "n", L, "6011", V, "e", L, "6007", TC,
                V, "TAGS", L, AO, L, "quiet", L, "dark", AC,
            TC,
            V, "EMPTY", L, AO, AC)));
    }

    [Test]
    public void Parse_WhatEncodeWrote_GivesTheSameVariables()
    {
        Assert.That(Msdp.TryParse(Msdp.Encode(Nested), out var variables), Is.True);
        Assert.That(variables, Is.EqualTo(Nested));
        Assert.That(variables[1].Value["EXITS"]!["n"]!.Text, Is.EqualTo("6011"));
    }

    [Test]
    public void Parse_SeveralValsForOneVar_IsAnArray_AndNoValIsEmpty()
    {
        Assert.That(Msdp.TryParse(Bytes(V, "REPORT", L, "HEALTH", L, "MANA", V, "LIST"), out var variables), Is.True);
        Assert.That(variables, Is.EqualTo(new[] { new MsdpVariable("REPORT", MsdpValue.ArrayOf("HEALTH", "MANA")), new MsdpVariable("LIST", "") }));
    }

    [Test]
    public void EncodeCommand_IsVarCommandThenOneValPerName()
    {
        Assert.That(Msdp.EncodeCommand("REPORT", ["HEALTH", "MANA"]), Is.EqualTo(Bytes(V, "REPORT", L, "HEALTH", L, "MANA")));
        Assert.Throws<ArgumentException>(() => Msdp.EncodeCommand("REPORT", []));
    }

    [TestCase(new byte[] { 2, 65 }, TestName = "starts with VAL")]
    [TestCase(new byte[] { 1, 2, 65 }, TestName = "empty name")]
    [TestCase(new byte[] { 1, 65, 2, 3, 1, 66, 2, 67 }, TestName = "table not closed")]
    [TestCase(new byte[] { 1, 65, 2, 5, 2, 67, 4 }, TestName = "array closed as a table")]
    [TestCase(new byte[] { 1, 65, 2, 4 }, TestName = "stray close")]
    [TestCase(new byte[] { 1, 65, 2, 0xC3 }, TestName = "not UTF-8")]
    public void Parse_Malformed_IsRejectedWithoutThrowing(byte[] payload)
    {
        Assert.That(Msdp.TryParse(payload, out var variables), Is.False);
        Assert.That(variables, Is.Empty);
    }

    [Test]
    public void Parse_NestingDeeperThanTheLimit_IsRejected_AtTheLimitAccepted()
    {
        static byte[] Deep(int depth) =>
        [
            V, (byte)'X', L,
            .. Enumerable.Repeat(new byte[] { AO, L }, depth).SelectMany(static b => b),
            (byte)'z',
            .. Enumerable.Repeat(AC, depth),
        ];

        Assert.That(Msdp.TryParse(Deep(Msdp.MaxDepth), out _), Is.True);
        Assert.That(Msdp.TryParse(Deep(Msdp.MaxDepth + 1), out _), Is.False);
        Assert.That(Msdp.TryParse(Deep(100_000), out _), Is.False, "no stack overflow on a hostile depth");
    }

    [Test]
    public void Encode_StringWithAMarkerByte_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Msdp.Encode("NAME", "a\u0003b"));
        Assert.That(error!.Message, Does.Contain("a\u0003b").And.Contain("byte 3"));
        Assert.Throws<ArgumentException>(() => Msdp.Encode("", "x"));
    }

    [Test]
    public void Encode_OneVariable_ThrowsNamingItsOwnParameters()
    {
        Assert.That(() => Msdp.Encode(null!, "x"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Msdp.Encode("NAME", (MsdpValue)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => Msdp.Encode(string.Empty, "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Msdp.Encode("NA\u0001ME", "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Msdp.Encode("NAME\uD800", "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Msdp.Encode("NAME", "a\u0003b"), Throws.ArgumentException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => Msdp.Encode("NAME", "\uDC00"), Throws.ArgumentException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => Msdp.Encode("NAME", MsdpValue.ArrayOf("ok", "b\0d")), Throws.ArgumentException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => Msdp.Encode("NAME", MsdpValue.TableOf(new MsdpVariable(string.Empty, "x"))), Throws.ArgumentException.With.Property("ParamName").EqualTo("value"), "a field's name is part of the value");
        Assert.That(() => Msdp.Encode("NAME", MsdpValue.TableOf(new MsdpVariable("F\u0006", "x"))), Throws.ArgumentException.With.Property("ParamName").EqualTo("value"));
        Assert.That(() => Msdp.Encode("NAME", MsdpValue.TableOf(new MsdpVariable("F", null!))), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("value"));
    }

    [Test]
    public void Encode_Variables_ThrowsNamingTheList()
    {
        Assert.That(() => Msdp.Encode((IEnumerable<MsdpVariable>)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.Encode([new MsdpVariable("A", "1"), null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.Encode([new MsdpVariable(string.Empty, "1")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.Encode([new MsdpVariable("A\u0002", "1")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.Encode([new MsdpVariable("A", "1\u0004")]), Throws.ArgumentException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.Encode([new MsdpVariable("A", null!)]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
    }

    [Test]
    public void Encode_MarkerOrNulAtTheStartOfAString_IsRefusedToo()
    {
        Assert.That(() => Msdp.Encode("NAME", "\u0001x"), Throws.ArgumentException.With.Message.Contains("byte 1 at 0"));
        Assert.That(() => Msdp.Encode("NAME", "\0"), Throws.ArgumentException.With.Message.Contains("byte 0 at 0"));
        Assert.That(() => Msdp.Encode("NAME", "x\u0006"), Throws.ArgumentException.With.Message.Contains("byte 6 at 1"));
        Assert.That(Msdp.Encode("NAME", "\u0007\u007F"), Is.EqualTo(Bytes(V, "NAME", L, 7, 0x7F)), "7 and up are plain bytes");
    }

    [Test]
    public void Encode_InvalidUtf16_ThrowsQuotingTheString()
    {
        var error = Assert.Throws<ArgumentException>(() => Msdp.Encode([new MsdpVariable("A", "x\uD800")]));

        Assert.That(error!.Message, Does.Contain("x\uD800").And.Contain("not valid UTF-16"));
        Assert.That(error.InnerException, Is.InstanceOf<EncoderFallbackException>());
    }

    [Test]
    public void Encode_NullAndEmpty_MessagesSayWhat()
    {
        Assert.That(() => Msdp.Encode([null!]), Throws.ArgumentNullException.With.Message.Contains("An MSDP variable is null"));
        Assert.That(() => Msdp.Encode([new MsdpVariable(string.Empty, "1")]), Throws.ArgumentException.With.Message.Contains("name must not be empty"));
        Assert.That(() => Msdp.Encode([new MsdpVariable("HP", null!)]), Throws.ArgumentNullException.With.Message.Contains("\"HP\" is null"));
    }

    [Test]
    public void EncodeCommand_InvalidArguments_ThrowNamingTheParameterAndTheCommand()
    {
        Assert.That(() => Msdp.EncodeCommand(null!, ["A"]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("command"));
        Assert.That(() => Msdp.EncodeCommand(string.Empty, ["A"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("command"));
        Assert.That(() => Msdp.EncodeCommand("RE\u0001PORT", ["A"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("command"));
        Assert.That(() => Msdp.EncodeCommand("REPORT", null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Msdp.EncodeCommand("REPORT", []), Throws.ArgumentException.With.Property("ParamName").EqualTo("names").And.Message.Contains("MSDP REPORT needs at least one name"));
        Assert.That(() => Msdp.EncodeCommand("SEND", ["A", null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("names").And.Message.Contains("MSDP SEND"));
        Assert.That(() => Msdp.EncodeCommand("SEND", ["A", "B\u0002"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(Msdp.EncodeCommand("LIST", ["COMMANDS"]), Is.EqualTo(Bytes(V, "LIST", L, "COMMANDS")));
    }

    [TestCase(new byte[] { 1, 65, 2, 3, 1, 66, 2, 67, 6 }, TestName = "table closed as an array")]
    [TestCase(new byte[] { 1, 65, 2, 5, 2, 67 }, TestName = "array not closed")]
    [TestCase(new byte[] { 1, 65, 2, 3 }, TestName = "table open at the end")]
    [TestCase(new byte[] { 1, 65, 2, 3, 1, 2, 67, 4 }, TestName = "empty field name")]
    [TestCase(new byte[] { 1, 65, 2, 3, 1, 66, 2, 5, 4, 4 }, TestName = "bad value inside a table")]
    [TestCase(new byte[] { 1, 65, 2, 5, 2, 5, 4, 6 }, TestName = "bad value inside an array")]
    [TestCase(new byte[] { 1, 65, 2, 66, 4 }, TestName = "stray close after a value")]
    [TestCase(new byte[] { 1, 0xC3, 2, 65 }, TestName = "name not UTF-8")]
    [TestCase(new byte[] { 1, 65, 2, 66, 1, 2, 67 }, TestName = "second name empty")]
    [TestCase(new byte[] { 1, 1, 65, 2, 66 }, TestName = "empty name before a valid variable")]
    [TestCase(new byte[] { 1, 0xC3 }, TestName = "name not UTF-8 at the end")]
    [TestCase(new byte[] { 1, 65, 2, 5, 2, 5 }, TestName = "inner array open at the end")]
    [TestCase(new byte[] { 1, 65, 2, 3, 1 }, TestName = "table field without a name at the end")]
    public void Parse_MoreMalformed_IsRejectedWithoutThrowing(byte[] payload)
    {
        Assert.That(Msdp.TryParse(payload, out var variables), Is.False);
        Assert.That(variables, Is.Empty);
    }

    [Test]
    public void Parse_EdgeShapes_AreRead()
    {
        Assert.That(Msdp.TryParse(ReadOnlySpan<byte>.Empty, out var none), Is.True);
        Assert.That(none, Is.Empty);

        Assert.That(Msdp.TryParse(Bytes(V, "A", L, TO, TC, V, "B", L, AO, AC, V, "C", L, V, "D"), out var variables), Is.True);
        Assert.That(variables, Is.EqualTo(new[]
        {
            new MsdpVariable("A", MsdpValue.TableOf()),
            new MsdpVariable("B", MsdpValue.ArrayOf(Array.Empty<string>())),
            new MsdpVariable("C", string.Empty),
            new MsdpVariable("D", string.Empty),
        }));

        Assert.That(Msdp.TryParse(Bytes(V, "T", L, TO, V, "X", V, "Y", L, "1", TC), out var table), Is.True);
        Assert.That(table.Single().Value, Is.EqualTo(MsdpValue.TableOf(new MsdpVariable("X", string.Empty), new MsdpVariable("Y", "1"))), "a field without a value is empty");

        Assert.That(Msdp.TryParse(Bytes(V, "T", L, TO, V, "X", L, "1", L, "2", TC, L, "after"), out var several), Is.True);
        Assert.That(several.Single().Value, Is.EqualTo(MsdpValue.ArrayOf(new MsdpValue[] { MsdpValue.TableOf(new MsdpVariable("X", MsdpValue.ArrayOf("1", "2"))), "after" })));
    }

    [Test]
    public void Parse_TablesNestedToTheLimit_AreAccepted_OneDeeperRejected()
    {
        static byte[] Deep(int depth) =>
        [
            .. Enumerable.Repeat(new byte[] { V, (byte)'T', L, TO }, depth).SelectMany(static b => b),
            V, (byte)'X', L, (byte)'z',
            .. Enumerable.Repeat(TC, depth),
        ];

        Assert.That(Msdp.TryParse(Deep(Msdp.MaxDepth), out var variables), Is.True);
        Assert.That(variables, Has.Count.EqualTo(1));
        Assert.That(Msdp.TryParse(Deep(Msdp.MaxDepth + 1), out _), Is.False);
    }

    [Test]
    public void Parse_ASecondValuePastTheDepthLimit_IsRejectedWithoutThrowing()
    {
        // The deepest table's field has a value, then a table one level too deep: rejected, not a null in an array.
        byte[] payload =
        [
            .. Enumerable.Repeat(new byte[] { V, (byte)'T', L, TO }, Msdp.MaxDepth).SelectMany(static b => b),
            V, (byte)'X', L, (byte)'a', L, TO, TC,
            .. Enumerable.Repeat(TC, Msdp.MaxDepth),
        ];

        var parsed = true;
        Assert.DoesNotThrow(() => parsed = Msdp.TryParse(payload, out _));
        Assert.That(parsed, Is.False);
    }

    [Test]
    public void ToJson_NullArguments_ThrowNamingTheParameter()
    {
        Assert.That(() => Msdp.ToJson(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(() => Msdp.ToJson([new MsdpVariable("A", "1"), null!]), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("variables"));
        Assert.That(Msdp.ToJson([]), Is.EqualTo("{}"));
        Assert.That(Msdp.ToJson([new MsdpVariable("A", MsdpValue.ArrayOf(new[] { MsdpValue.TableOf(), MsdpValue.ArrayOf(Array.Empty<string>()) }))]), Is.EqualTo("{\"A\":[{},[]]}"));
    }

    [Test]
    public void TryParseJson_Null_IsRejected()
    {
        Assert.That(Msdp.TryParseJson(null, out var variables), Is.False);
        Assert.That(variables, Is.Empty);
    }

    [Test]
    public void TryParseJson_NestingToTheLimit_IsAccepted_OneDeeperRejected()
    {
        // The object itself, then MaxDepth levels of arrays inside it.
        static string Deep(int depth) => "{\"X\":" + new string('[', depth) + "\"z\"" + new string(']', depth) + "}";

        Assert.That(Msdp.TryParseJson(Deep(Msdp.MaxDepth), out var variables), Is.True);
        Assert.That(variables.Single().Name, Is.EqualTo("X"));
        Assert.That(Msdp.TryParseJson(Deep(Msdp.MaxDepth + 1), out variables), Is.False);
        Assert.That(variables, Is.Empty);
    }

    [Test]
    public void Json_RoundTrips_TablesAsObjectsArraysAsArrays()
    {
        var json = Msdp.ToJson(Nested);
        Assert.That(json, Does.StartWith("{\"HEALTH\":\"100\",\"ROOM\":{\"VNUM\":\"6008\""));
        Assert.That(Msdp.TryParseJson(json, out var variables), Is.True);
        Assert.That(variables, Is.EqualTo(Nested));
    }

    [TestCase("")]
    [TestCase("[1,2]")]
    [TestCase("{\"a\":")]
    [TestCase("\"text\"")]
    public void Json_NotAnObject_IsRejected(string json) => Assert.That(Msdp.TryParseJson(json, out _), Is.False);

    // System.Text.Json accepts a lone surrogate escape when it parses and throws InvalidOperationException only when
    // the string is read: a peer's GMCP "MSDP" message must still be dropped, not end the subscriber's stream.
    [TestCase("{\"\\ud800\":\"1\"}")]
    [TestCase("{\"A\":\"\\udc00\"}")]
    [TestCase("{\"A\":{\"\\ud800x\":\"1\"}}")]
    [TestCase("{\"A\":[\"\\ud800\"]}")]
    public void Json_LoneSurrogateEscape_IsRejectedWithoutThrowing(string json)
    {
        var parsed = true;
        Assert.DoesNotThrow(() => parsed = Msdp.TryParseJson(json, out _), json);
        Assert.That(parsed, Is.False, json);
    }

    [Test]
    public void Json_NumbersAndBooleans_AreTheirText()
    {
        Assert.That(Msdp.TryParseJson("{\"HP\":42,\"AFK\":true,\"X\":null}", out var variables), Is.True);
        Assert.That(variables.Select(static v => v.Value.Text), Is.EqualTo(new[] { "42", "true", "" }));
    }

    [Test]
    public void ToJson_NullValue_ArgumentNullExceptionNamingTheVariable()
    {
        var nullValue = Assert.Throws<ArgumentNullException>(() => Msdp.ToJson([new MsdpVariable("HEALTH", null!)]));
        Assert.That(nullValue!.ParamName, Is.EqualTo("variables"));
        Assert.That(nullValue.Message, Does.Contain("HEALTH"));
    }
}
