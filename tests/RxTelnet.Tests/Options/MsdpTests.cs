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
}
