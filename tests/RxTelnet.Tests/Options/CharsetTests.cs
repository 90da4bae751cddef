namespace RxTelnet.Tests.Options;

using System.Text;
using RxTelnet.Options;
using RxTelnet.Protocol;

[TestFixture]
public sealed class CharsetTests
{
    [Test]
    public void EncodeRequest_Names_WireBytesAreExact()
    {
        var wire = Wire.Frame(TelnetOption.Charset, Charset.EncodeRequest(["UTF-8", "ISO-8859-1"]));

        Assert.That(wire, Is.EqualTo(Wire.Bytes(255, 250, 42, 1, ";UTF-8;ISO-8859-1", 255, 240)));
    }

    [Test]
    public void EncodeRequest_WithTranslationTable_PutsMarkerAndVersionFirst() =>
        Assert.That(Charset.EncodeRequest(["UTF-8"], ' ', translationTableVersion: 1), Is.EqualTo(Wire.Bytes(1, "[TTABLE]", 1, " UTF-8")));

    [Test]
    public void TryParseRequest_AcrossTheWire_RoundTrips()
    {
        var received = Wire.RoundTrip(TelnetOption.Charset, Charset.EncodeRequest(["UTF-8", "US-ASCII", "KOI8-R"], ' ', 2));

        Assert.That(Charset.TryParseRequest(received, out var names, out var version), Is.True);
        Assert.That(names, Is.EqualTo(new[] { "UTF-8", "US-ASCII", "KOI8-R" }));
        Assert.That(version, Is.EqualTo(2));
    }

    [TestCase(";UTF-8;;latin1;", "UTF-8|latin1", TestName = "TryParseRequest_DoubledAndTrailingSeparators_AreTolerated")]
    [TestCase(" UTF-8", "UTF-8", TestName = "TryParseRequest_SpaceSeparator_Works")]
    [TestCase("|a b|c", "a b|c", TestName = "TryParseRequest_SpaceInsideNames_IsKept")]
    public void TryParseRequest_Valid(string list, string expected)
    {
        Assert.That(Charset.TryParseRequest(Wire.Bytes(1, list), out var names, out var version), Is.True);
        Assert.That(string.Join("|", names), Is.EqualTo(expected));
        Assert.That(version, Is.Zero);
    }

    [TestCase(new byte[0], TestName = "TryParseRequest_Empty_ReturnsFalse")]
    [TestCase(new byte[] { 2, 59, 65 }, TestName = "TryParseRequest_Accepted_ReturnsFalse")]
    [TestCase(new byte[] { 1 }, TestName = "TryParseRequest_NoList_ReturnsFalse")]
    [TestCase(new byte[] { 1, 59 }, TestName = "TryParseRequest_SeparatorOnly_ReturnsFalse")]
    [TestCase(new byte[] { 1, 59, 59 }, TestName = "TryParseRequest_NoNames_ReturnsFalse")]
    [TestCase(new byte[] { 1, 255, 65 }, TestName = "TryParseRequest_IacSeparator_ReturnsFalse")]
    [TestCase(new byte[] { 1, 59, 65, 0xC3, 0xA9 }, TestName = "TryParseRequest_NonAsciiName_ReturnsFalse")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93 }, TestName = "TryParseRequest_TTableWithoutVersion_ReturnsFalse")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93, 0, 59, 65 }, TestName = "TryParseRequest_TTableVersionZero_ReturnsFalse")]
    public void TryParseRequest_Malformed(byte[] payload)
    {
        Assert.That(Charset.TryParseRequest(payload, out var names, out var version), Is.False);
        Assert.That(names, Is.Empty);
        Assert.That(version, Is.Zero);
    }

    [Test]
    public void EncodeAccepted_Name_BytesAreExactAndParseBack()
    {
        var payload = Charset.EncodeAccepted("UTF-8");

        Assert.That(payload, Is.EqualTo(Wire.Bytes(2, "UTF-8")));
        Assert.That(Charset.TryParseAccepted(payload, out var name), Is.True);
        Assert.That(name, Is.EqualTo("UTF-8"));
    }

    [TestCase(new byte[0])]
    [TestCase(new byte[] { 2 })]
    [TestCase(new byte[] { 3 })]
    [TestCase(new byte[] { 2, 0xC3 })]
    public void TryParseAccepted_Malformed_ReturnsFalse(byte[] payload)
    {
        Assert.That(Charset.TryParseAccepted(payload, out var name), Is.False);
        Assert.That(name, Is.Empty);
    }

    [Test]
    public void EncodeRejectedAndDataLessCommands_AreOneByte()
    {
        Assert.That(Charset.EncodeRejected(), Is.EqualTo(new byte[] { 3 }));
        Assert.That(Charset.EncodeCommand(CharsetCommand.TTableRejected), Is.EqualTo(new byte[] { 5 }));
        Assert.That(Charset.EncodeCommand(CharsetCommand.TTableAck), Is.EqualTo(new byte[] { 6 }));
        Assert.That(Charset.EncodeCommand(CharsetCommand.TTableNak), Is.EqualTo(new byte[] { 7 }));
        Assert.That(() => Charset.EncodeCommand(CharsetCommand.Request), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("command"));
        Assert.That(() => Charset.EncodeCommand(CharsetCommand.TTableIs), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("command"));
    }

    [TestCase(new byte[] { 1, 59, 65 }, true, CharsetCommand.Request)]
    [TestCase(new byte[] { 4, 1 }, true, CharsetCommand.TTableIs)]
    [TestCase(new byte[] { 7 }, true, CharsetCommand.TTableNak)]
    [TestCase(new byte[] { 0 }, false, (CharsetCommand)0)]
    [TestCase(new byte[] { 8 }, false, (CharsetCommand)8)]
    [TestCase(new byte[0], false, (CharsetCommand)0)]
    public void TryGetCommand_Payload_ReportsKnownCodesOnly(byte[] payload, bool expected, CharsetCommand command)
    {
        Assert.That(Charset.TryGetCommand(payload, out var actual), Is.EqualTo(expected));
        Assert.That(actual, Is.EqualTo(command));
    }

    [Test]
    public void TrySelect_FirstRequestedNameWeSupport_WinsWhateverOurOrder()
    {
        var ok = Charset.TrySelect(["KOI8-R", "utf-8", "ISO-8859-1"], [Encoding.Latin1, Encoding.UTF8], out var name, out var encoding);

        Assert.That(ok, Is.True);
        Assert.That(name, Is.EqualTo("utf-8"), "ACCEPTED echoes the peer's spelling");
        Assert.That(encoding, Is.SameAs(Encoding.UTF8));
    }

    [TestCase("iso_8859-1", 28591)]
    [TestCase("latin1", 28591)]
    [TestCase("ANSI_X3.4-1968", 20127)]
    [TestCase("US-ASCII", 20127)]
    [TestCase("UTF-16", 1200)]
    public void TrySelect_Aliases_MatchByCodePage(string requested, int codePage)
    {
        Encoding[] supported = [Encoding.UTF8, Encoding.Latin1, Encoding.ASCII, Encoding.Unicode];

        Assert.That(Charset.TrySelect([requested], supported, out var name, out var encoding), Is.True);
        Assert.That(name, Is.EqualTo(requested));
        Assert.That(encoding!.CodePage, Is.EqualTo(codePage));
    }

    [Test]
    public void TrySelect_AHostileRequest_ResolvesEachDistinctNameOnceAndAtMostTheCap()
    {
        // .NET resolves an unknown charset name by throwing; a REQUEST of 32,000 names must not cost 32,000 throws.
        var lookups = new List<string>();
        int Resolve(string name)
        {
            lookups.Add(name);
            return -1;
        }

        var repeated = Enumerable.Repeat("x", 30_000).Append("X").Append("utf-8");
        Assert.That(Charset.TrySelect(repeated, [Encoding.UTF8], Resolve, out var name, out _), Is.True, "a direct name still matches after the junk");
        Assert.That(name, Is.EqualTo("utf-8"));
        Assert.That(lookups, Is.EqualTo(new[] { "x" }), "one lookup for a name repeated in any case");

        lookups.Clear();
        var distinct = Enumerable.Range(0, 10_000).Select(static i => $"junk-{i}").Append("UTF-8");
        Assert.That(Charset.TrySelect(distinct, [Encoding.UTF8], Resolve, out name, out _), Is.True, "direct names are compared past the cap");
        Assert.That(name, Is.EqualTo("UTF-8"));
        Assert.That(lookups, Has.Count.EqualTo(Charset.MaxAliasLookups), "alias lookups stop at the cap");
        Assert.That(lookups, Is.EqualTo(Enumerable.Range(0, Charset.MaxAliasLookups).Select(static i => $"junk-{i}")), "in the peer's order");
    }

    [Test]
    public void TrySelect_DirectNameMatch_NeedsNoAliasLookup()
    {
        var lookups = 0;
        Assert.That(Charset.TrySelect(["UTF-8"], [Encoding.UTF8], _ => { lookups++; return -1; }, out _, out _), Is.True);
        Assert.That(lookups, Is.Zero);
    }

    [Test]
    public void TrySelect_NothingSupported_ReturnsFalse()
    {
        Assert.That(Charset.TrySelect(["KOI8-R", "no such charset", string.Empty], [Encoding.UTF8], out var name, out var encoding), Is.False);
        Assert.That(name, Is.Empty);
        Assert.That(encoding, Is.Null);
    }

    [Test]
    public void Arguments_Invalid_ThrowNamingTheParameter()
    {
        Assert.That(() => Charset.EncodeRequest(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest([]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest(["UTF-8", "A;B"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest(["\u00E9"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest([string.Empty]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest(["UTF-8"], '\n'), Throws.ArgumentException.With.Property("ParamName").EqualTo("separator"));
        Assert.That(() => Charset.EncodeAccepted(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Charset.EncodeAccepted(string.Empty), Throws.ArgumentException.With.Property("ParamName").EqualTo("name"));
        Assert.That(() => Charset.TrySelect(null!, [], out _, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("requested"));
        Assert.That(() => Charset.TrySelect([], null!, out _, out _), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("supported"));
    }

    [Test]
    public void EncodeRequest_PrintableAsciiBounds_SpaceAndTildeAreAllowed()
    {
        Assert.That(Charset.EncodeRequest(["A B", "~"], '}'), Is.EqualTo(Wire.Bytes(1, "}A B}~")));
        Assert.That(Charset.EncodeRequest(["x"], '~'), Is.EqualTo(Wire.Bytes(1, "~x")));
        Assert.That(() => Charset.EncodeRequest(["x"], '\u007F'), Throws.ArgumentException.With.Property("ParamName").EqualTo("separator"));
        Assert.That(() => Charset.EncodeRequest(["x"], '\u001F'), Throws.ArgumentException.With.Property("ParamName").EqualTo("separator"));
        Assert.That(() => Charset.EncodeRequest(["A\u007F"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(() => Charset.EncodeRequest(["A\u001F"]), Throws.ArgumentException.With.Property("ParamName").EqualTo("names"));
        Assert.That(Charset.EncodeAccepted("~ "), Is.EqualTo(Wire.Bytes(2, "~ ")));
    }

    [Test]
    public void EncodeRequest_Refusals_MessagesNameTheProblem()
    {
        Assert.That(() => Charset.EncodeRequest(["UTF-8", "A;B"]), Throws.ArgumentException.With.Message.Contains("\"A;B\"").And.Message.Contains("';'"));
        Assert.That(() => Charset.EncodeRequest([]), Throws.ArgumentException.With.Message.Contains("at least one"));
        Assert.That(() => Charset.EncodeRequest(["\u00E9t\u00E9"]), Throws.ArgumentException.With.Message.Contains("\"\u00E9t\u00E9\""));
        Assert.That(() => Charset.EncodeRequest([string.Empty]), Throws.ArgumentException.With.Message.Contains("not empty"));
        Assert.That(() => Charset.EncodeRequest(["x"], '\n'), Throws.ArgumentException.With.Message.Contains("printable ASCII"));
        Assert.That(() => Charset.EncodeCommand(CharsetCommand.Accepted), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ActualValue").EqualTo(CharsetCommand.Accepted));
        Assert.That(() => Charset.EncodeCommand((CharsetCommand)9), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Message.Contains("carry no data"));
        Assert.That(Charset.EncodeCommand(CharsetCommand.Rejected), Is.EqualTo(new byte[] { 3 }));
    }

    [TestCase(new byte[] { 1, 59, 65, 0x7E, 59, 66, 32, 67 }, "A~|B C", TestName = "TryParseRequest_TildeAndSpace_AreName")]
    [TestCase(new byte[] { 1, 59, 65 }, "A", TestName = "TryParseRequest_OneLetterName_IsRead")]
    public void TryParseRequest_PrintableBounds(byte[] payload, string expected)
    {
        Assert.That(Charset.TryParseRequest(payload, out var names), Is.True);
        Assert.That(string.Join("|", names), Is.EqualTo(expected));
    }

    [TestCase(new byte[] { 1, 59, 65, 0x7F }, TestName = "TryParseRequest_Del_ReturnsFalse")]
    [TestCase(new byte[] { 1, 59, 65, 0x1F }, TestName = "TryParseRequest_UnitSeparator_ReturnsFalse")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93, 3, 59, 59 }, TestName = "TryParseRequest_TTableWithNoNames_ReturnsFalseAndNoVersion")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93, 3, 59 }, TestName = "TryParseRequest_TTableWithSeparatorOnly_ReturnsFalseAndNoVersion")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93, 3, 255, 65 }, TestName = "TryParseRequest_TTableWithIacSeparator_ReturnsFalseAndNoVersion")]
    [TestCase(new byte[] { 1, 91, 84, 84, 65, 66, 76, 69, 93, 3, 59, 65, 0xC3 }, TestName = "TryParseRequest_TTableWithNonAsciiName_ReturnsFalseAndNoVersion")]
    public void TryParseRequest_MoreMalformed(byte[] payload)
    {
        Assert.That(Charset.TryParseRequest(payload, out var names, out var version), Is.False);
        Assert.That(names, Is.Empty);
        Assert.That(version, Is.Zero);
    }

    [Test]
    public void TryParseRequest_TTableVersionAndOneName_IsRead()
    {
        Assert.That(Charset.TryParseRequest(Wire.Bytes(1, "[TTABLE]", 255, ";A"), out var names, out var version), Is.True);
        Assert.That(names, Is.EqualTo(new[] { "A" }));
        Assert.That(version, Is.EqualTo(255));
    }

    [TestCase(new byte[] { 2, 65 }, "A")]
    [TestCase(new byte[] { 2, 32, 0x7E }, " ~")]
    public void TryParseAccepted_PrintableBounds_AreAccepted(byte[] payload, string expected)
    {
        Assert.That(Charset.TryParseAccepted(payload, out var name), Is.True);
        Assert.That(name, Is.EqualTo(expected));
    }

    [TestCase(new byte[] { 2, 65, 0x7F })]
    [TestCase(new byte[] { 2, 0x1F, 65 })]
    public void TryParseAccepted_NonPrintable_ReturnsFalse(byte[] payload)
    {
        Assert.That(Charset.TryParseAccepted(payload, out var name), Is.False);
        Assert.That(name, Is.Empty);
    }

    [Test]
    public void TrySelect_NullAndEmptyNames_AreSkippedWithoutALookup()
    {
        var lookups = new List<string>();
        var ok = Charset.TrySelect([null!, string.Empty, "utf-8"], [null!, Encoding.UTF8], name => { lookups.Add(name); return -1; }, out var selected, out var encoding);

        Assert.That(ok, Is.True);
        Assert.That(selected, Is.EqualTo("utf-8"));
        Assert.That(encoding, Is.SameAs(Encoding.UTF8));
        Assert.That(lookups, Is.Empty, "a null or empty name is not an alias to look up");
    }

    [Test]
    public void TrySelect_HeaderOrBodyNameAlone_Matches()
    {
        var header = new NamedEncoding("x-web", "x-header", "x-body", 60001);

        Assert.That(Charset.TrySelect(["X-HEADER"], [header], _ => -1, out var name, out var encoding), Is.True);
        Assert.That((name, encoding), Is.EqualTo(("X-HEADER", (Encoding?)header)));
        Assert.That(Charset.TrySelect(["x-body"], [header], _ => -1, out name, out encoding), Is.True);
        Assert.That(encoding, Is.SameAs(header));
        Assert.That(Charset.TrySelect(["x-web"], [header], _ => -1, out name, out encoding), Is.True);
        Assert.That(encoding, Is.SameAs(header));
        Assert.That(Charset.TrySelect(["x-other"], [header], _ => -1, out name, out encoding), Is.False);
        Assert.That(Charset.TrySelect(["x-other"], [header], _ => 60001, out name, out encoding), Is.True, "an alias of its code page");
        Assert.That((name, encoding), Is.EqualTo(("x-other", (Encoding?)header)));
    }

    [Test]
    public void TrySelect_AliasLookup_MatchesTheCodePageItResolvesTo_AndNothingForAnUnknownName()
    {
        var zero = new NamedEncoding("x-zero", "x-zero", "x-zero", 0);
        var one = new NamedEncoding("x-one", "x-one", "x-one", 1);

        Assert.That(Charset.TrySelect(["alias-of-zero"], [one, zero], _ => 0, out var name, out var encoding), Is.True, "code page 0 is a code page like any other");
        Assert.That((name, encoding), Is.EqualTo(("alias-of-zero", (Encoding?)zero)));
        Assert.That(Charset.TrySelect(["no-such-charset"], [zero, one], out name, out encoding), Is.False, "an unknown name resolves to no code page at all");
        Assert.That(encoding, Is.Null);
        Assert.That(Charset.TrySelect(["no-such-charset"], [new NamedEncoding("x-odd", "x-odd", "x-odd", -1)], out _, out encoding), Is.False, "not even an encoding that claims code page -1");
        Assert.That(encoding, Is.Null);
    }

    /// <summary>An encoding whose web, header and body names differ, as some code pages' do.</summary>
    private sealed class NamedEncoding(string web, string header, string body, int codePage) : Encoding(Math.Max(codePage, 0))
    {
        public override int CodePage => codePage;

        public override string WebName => web;

        public override string HeaderName => header;

        public override string BodyName => body;

        public override int GetByteCount(char[] chars, int index, int count) => count;

        public override int GetBytes(char[] chars, int charIndex, int charCount, byte[] bytes, int byteIndex) => charCount;

        public override int GetCharCount(byte[] bytes, int index, int count) => count;

        public override int GetChars(byte[] bytes, int byteIndex, int byteCount, char[] chars, int charIndex) => byteCount;

        public override int GetMaxByteCount(int charCount) => charCount;

        public override int GetMaxCharCount(int byteCount) => byteCount;
    }
}
