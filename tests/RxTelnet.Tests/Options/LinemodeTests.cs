namespace RxTelnet.Tests.Options;

using System.Text;
using RxTelnet.Options;
using RxTelnet.Protocol;

/// <summary>RFC 1184's pure parts: the codec, SLC negotiation by the RFC's rules, and local line editing.</summary>
[TestFixture]
public sealed class LinemodeTests
{
    private const byte Ack = Linemode.SlcAck;

    [Test]
    public void Codec_ModeSlcAndForwardMask()
    {
        Assert.That(Linemode.EncodeMode(LinemodeModes.Edit | LinemodeModes.ModeAck), Is.EqualTo(new byte[] { 1, 5 }));
        Assert.That(Linemode.TryParseMode([1, 3], out var mode) && mode == (LinemodeModes.Edit | LinemodeModes.TrapSig), Is.True);
        Assert.That(Linemode.TryParseMode([1], out _), Is.False);
        Assert.That(Linemode.TryParseSlc([3, 3, 2, 3, 10, 2, 127, 4], out var triplets), Is.True);
        Assert.That(triplets, Is.EqualTo(new[] { new SlcTriplet(3, 2, 3), new SlcTriplet(10, 2, 127) }), "a trailing partial triplet is ignored");
        Assert.That(Linemode.TryParseForwardMask([253, 2, 0xFF], out var verb) && verb == 253, Is.True);
        Assert.That(Linemode.EncodeSlc([new SlcTriplet(3, 2, 3)]), Is.EqualTo(new byte[] { 3, 3, 2, 3 }));
    }

    [Test]
    public void Slc_ValueTakenAndAcked_AckTakenSilently_MatchIgnored()
    {
        var table = new SlcTable();

        Assert.That(table.Receive([new SlcTriplet(3, 2, 0x7F)]), Is.EqualTo(new[] { new SlcTriplet(3, 2 | Ack, 0x7F) }), "a new value is taken and acknowledged");
        Assert.That(table[SlcFunction.InterruptProcess], Is.EqualTo(0x7F));
        Assert.That(table.Receive([new SlcTriplet(3, 2, 0x7F)]), Is.Empty, "the same value again is not answered (no loop)");
        Assert.That(table.Receive([new SlcTriplet(10, 2 | Ack, 0x08)]), Is.Empty, "an acknowledged value is taken without an answer");
        Assert.That(table[SlcFunction.EraseCharacter], Is.EqualTo(0x08));
    }

    [Test]
    public void Slc_DefaultNoSupportUnknownAndWholeTable()
    {
        var table = new SlcTable();
        table.Receive([new SlcTriplet(11, 2, 0x18)]);

        Assert.That(table.Receive([new SlcTriplet(11, 3, 0)]), Is.EqualTo(new[] { SlcTable.Defaults[10] }), "DEFAULT answers our default");
        Assert.That(table[SlcFunction.EraseLine], Is.EqualTo(0x15));
        Assert.That(table.Receive([new SlcTriplet(7, 0, 0)]), Is.EqualTo(new[] { new SlcTriplet(7, Ack, 0) }), "NOSUPPORT disables and is acknowledged");
        Assert.That(table[SlcFunction.Abort], Is.Null);
        Assert.That(table.Receive([new SlcTriplet(30, 2, 1)]), Is.EqualTo(new[] { new SlcTriplet(30, 0, 0) }), "an unknown function is not supported");
        Assert.That(table.Receive([new SlcTriplet(0, 3, 0)]), Is.EqualTo(SlcTable.Defaults), "function 0 DEFAULT resets and sends the whole table");
        Assert.That(table[SlcFunction.Abort], Is.EqualTo(0x1C));
        Assert.That(table.Receive([new SlcTriplet(0, 2, 0)]), Has.Count.EqualTo(18), "function 0 VALUE sends the table as it is");
    }

    [Test]
    public void SlcTable_FunctionZeroRepeatedInOneMessage_AnswersTheTableOnce()
    {
        // A peer that repeats "send me the table" thousands of times in one subnegotiation must not get thousands of
        // tables back: one message, one table, whatever the mix of VALUE and DEFAULT.
        var table = new SlcTable();
        table.Receive([new SlcTriplet(3, 2, 0x7F)]);
        var request = Enumerable.Range(0, 1000).Select(static i => new SlcTriplet(0, (byte)(i % 2 == 0 ? 2 : 3), 0)).ToArray();
        Assert.That(table.Receive(request), Is.EqualTo(SlcTable.Defaults), "the DEFAULTs reset the table, which is sent once");

        var mixed = table.Receive([new SlcTriplet(0, 2, 0), new SlcTriplet(3, 2, 0x7F), new SlcTriplet(0, 2, 0)]);
        Assert.That(mixed, Has.Count.EqualTo(19), "the acknowledgement of function 3 and one table");
        Assert.That(mixed[0], Is.EqualTo(new SlcTriplet(3, 2 | Ack, 0x7F)));
        Assert.That(mixed.Skip(1), Is.EqualTo(table.Current), "the table as it stands after the whole message");
    }

    private static (string Sent, string Echo) Type(LineEditor editor, string keys, LinemodeModes mode, SlcTable? slc = null)
    {
        var send = new List<LineEditorOutput>();
        var echo = new List<byte>();
        editor.Type(Encoding.Latin1.GetBytes(keys), mode, slc ?? new SlcTable(), send, echo);
        var sent = string.Join("|", send.Select(static o => o.Verb is { } v ? $"<{v}>" : Encoding.Latin1.GetString(o.Bytes)));
        return (sent, Encoding.Latin1.GetString([.. echo]));
    }

    [Test]
    public void Edit_CollectsAndEditsLocally_SendsWholeLines()
    {
        var editor = new LineEditor();
        var (sent, echo) = Type(editor, "lx\x7fs -la\x17-l\r\n", LinemodeModes.Edit);

        Assert.That(sent, Is.EqualTo("ls -l\r\n"), "erase character, erase word, then one line with CR LF (the LF after CR is not a second line)");
        Assert.That(echo, Is.EqualTo("lx\b \bs -la\b \b\b \b\b \b-l\r\n"));
        Assert.That(Type(editor, "abc\x15xy", LinemodeModes.Edit).Sent, Is.Empty, "nothing goes out before the line end");
        Assert.That(Encoding.ASCII.GetString([.. editor.Pending]), Is.EqualTo("xy"), "erase line cleared abc");
        Assert.That(Type(editor, "\x16\x7f\n", LinemodeModes.Edit).Sent, Is.EqualTo("xy\x7f\r\n"), "literal next sends the erase character itself");
    }

    [Test]
    public void TrapSig_InterruptsBecomeCommands_EofEndsTheLineFirst()
    {
        var editor = new LineEditor();
        Assert.That(Type(editor, "sleep\x03", LinemodeModes.Edit | LinemodeModes.TrapSig).Sent, Is.EqualTo("<InterruptProcess>"), "IP flushes the line");
        Assert.That(Type(editor, "cat\x04", LinemodeModes.Edit | LinemodeModes.TrapSig).Sent, Is.EqualTo("cat|<EndOfFile>"));
        Assert.That(Type(editor, "\x14\x1a\x1c\x0f", LinemodeModes.TrapSig).Sent, Is.EqualTo("<AreYouThere>|<Suspend>|<Abort>|<AbortOutput>"));
        Assert.That(Type(editor, "\x03", LinemodeModes.Edit).Sent, Is.Empty, "without TRAPSIG ^C is a character of the line");
    }

    [Test]
    public void CharacterMode_EveryKeyGoesOutAsTyped()
    {
        var editor = new LineEditor();
        Assert.That(Type(editor, "ab\x7f\r", LinemodeModes.None), Is.EqualTo(("a|b|\x7f|\r", "")));
    }

    [Test]
    public void Edit_ServerMovesErase_TheNewCharacterErases()
    {
        var slc = new SlcTable();
        slc.Receive([new SlcTriplet((byte)SlcFunction.EraseCharacter, 2, 0x08)]);
        Assert.That(Type(new LineEditor(), "ab\bc\n", LinemodeModes.Edit, slc).Sent, Is.EqualTo("ac\r\n"));
    }

    [Test]
    public void Edit_HugeLineWithoutEnd_IsSentInBoundedPieces()
    {
        var editor = new LineEditor();
        var (sent, _) = Type(editor, new string('x', (LineEditor.MaxLineLength * 2) + 5), LinemodeModes.Edit);
        Assert.That(sent.Split('|').Select(static s => s.Length), Is.EqualTo(new[] { LineEditor.MaxLineLength, LineEditor.MaxLineLength }));
        Assert.That(editor.Pending, Has.Count.EqualTo(5));
    }

    [TestCase(new byte[] { 1, 3 }, true, LinemodeModes.Edit | LinemodeModes.TrapSig)]
    [TestCase(new byte[] { 1, 0 }, true, LinemodeModes.None)]
    [TestCase(new byte[0], false, LinemodeModes.None)]
    [TestCase(new byte[] { 2, 3 }, false, LinemodeModes.None)]
    [TestCase(new byte[] { 1, 3, 0 }, false, LinemodeModes.None)]
    public void TryParseMode_OnlyModeAndOneByte(byte[] payload, bool expected, LinemodeModes mode)
    {
        Assert.That(Linemode.TryParseMode(payload, out var actual), Is.EqualTo(expected));
        Assert.That(actual, Is.EqualTo(mode));
    }

    [TestCase(new byte[] { 251, 2 }, true, 251)]
    [TestCase(new byte[] { 254, 2, 1, 2 }, true, 254)]
    [TestCase(new byte[] { 250, 2 }, false, 0)]
    [TestCase(new byte[] { 255, 2 }, false, 0)]
    [TestCase(new byte[] { 253, 1 }, false, 0)]
    [TestCase(new byte[] { 253 }, false, 0)]
    [TestCase(new byte[0], false, 0)]
    public void TryParseForwardMask_VerbThenForwardMask(byte[] payload, bool expected, int verb)
    {
        Assert.That(Linemode.TryParseForwardMask(payload, out var actual), Is.EqualTo(expected));
        Assert.That(actual, Is.EqualTo(verb));
    }

    [TestCase(new byte[0], false, 0)]
    [TestCase(new byte[] { 1, 3, 2, 3 }, false, 0)]
    [TestCase(new byte[] { 3 }, true, 0)]
    [TestCase(new byte[] { 3, 3, 2 }, true, 0)]
    [TestCase(new byte[] { 3, 3, 2, 3 }, true, 1)]
    [TestCase(new byte[] { 3, 3, 2, 3, 4, 2, 15 }, true, 2)]
    public void TryParseSlc_CountsWholeTriplets(byte[] payload, bool expected, int count)
    {
        Assert.That(Linemode.TryParseSlc(payload, out var triplets), Is.EqualTo(expected));
        Assert.That(triplets, Has.Count.EqualTo(count));
    }

    [Test]
    public void EncodeSlc_SeveralTriplets_InOrder()
    {
        Assert.That(Linemode.EncodeSlc([]), Is.EqualTo(new byte[] { 3 }));
        Assert.That(Linemode.EncodeSlc([new SlcTriplet(1, 2, 3), new SlcTriplet(4, 5, 6)]), Is.EqualTo(new byte[] { 3, 1, 2, 3, 4, 5, 6 }));
    }

    [Test]
    public void SlcTriplet_LevelAndAck_ComeFromTheModifier()
    {
        var triplet = new SlcTriplet(3, Ack | Linemode.SlcFlushIn | 1, 3);

        Assert.That((triplet.Level, triplet.IsAck), Is.EqualTo((SlcLevel.CantChange, true)));
        Assert.That((new SlcTriplet(3, 0x7F, 3).Level, new SlcTriplet(3, 0x7F, 3).IsAck), Is.EqualTo((SlcLevel.Default, false)));
    }

    [Test]
    public void SlcTable_CharacterNoneOr255_IsUnbound()
    {
        var table = new SlcTable();
        Assert.That(table.Receive([new SlcTriplet(3, 2, 0xFF), new SlcTriplet(4, 2, 0)]), Has.Count.EqualTo(2));

        Assert.That(table[SlcFunction.InterruptProcess], Is.Null, "255 (_POSIX_VDISABLE) binds nothing");
        Assert.That(table[SlcFunction.AbortOutput], Is.Null, "0 binds nothing");
        Assert.That(table[SlcFunction.AreYouThere], Is.EqualTo(0x14));
        Assert.That(table[SlcFunction.Synch], Is.Null, "not supported by default");
    }

    [Test]
    public void SlcTable_LastFunctionIsKnown_OneMoreIsNot()
    {
        var table = new SlcTable();

        Assert.That(table.Receive([new SlcTriplet(18, 2, 0x0A)]), Is.EqualTo(new[] { new SlcTriplet(18, 2 | Ack, 0x0A) }));
        Assert.That(table[SlcFunction.Forward2], Is.EqualTo(0x0A));
        Assert.That(table.Receive([new SlcTriplet(19, 2, 0x0B)]), Is.EqualTo(new[] { new SlcTriplet(19, 0, 0) }));
        Assert.That(table.Current, Has.Count.EqualTo(18));
    }

    [Test]
    public void SlcTable_FunctionZeroOtherLevels_AreNotAnswered()
    {
        var table = new SlcTable();
        table.Receive([new SlcTriplet(3, 2, 0x7F)]);

        Assert.That(table.Receive([new SlcTriplet(0, 1, 0), new SlcTriplet(0, 0, 0)]), Is.Empty, "CANTCHANGE and NOSUPPORT for function 0 ask nothing");
        Assert.That(table[SlcFunction.InterruptProcess], Is.EqualTo(0x7F), "nor reset the table");
        Assert.That(table.Receive([new SlcTriplet(0, 2, 0)]), Has.Some.EqualTo(new SlcTriplet(3, 2, 0x7F)), "VALUE sends the table without resetting it");
    }

    [Test]
    public void SlcTable_AckAndCantChange_KeepTheFlagsButNotTheAckBit()
    {
        var table = new SlcTable();

        Assert.That(table.Receive([new SlcTriplet(3, 1 | Linemode.SlcFlushIn, 0x19)]), Is.EqualTo(new[] { new SlcTriplet(3, 1 | Linemode.SlcFlushIn | Ack, 0x19) }));
        Assert.That(table.Current[2], Is.EqualTo(new SlcTriplet(3, 1 | Linemode.SlcFlushIn, 0x19)));
        Assert.That(table.Receive([new SlcTriplet(4, 2 | Linemode.SlcFlushOut | Ack, 0x18)]), Is.Empty);
        Assert.That(table.Current[3], Is.EqualTo(new SlcTriplet(4, 2 | Linemode.SlcFlushOut, 0x18)), "an acknowledged triplet is kept without its ACK bit");
        Assert.That(table.Receive([new SlcTriplet(5, 0 | Ack, 0)]), Is.Empty);
        Assert.That(table[SlcFunction.AreYouThere], Is.Null, "an acknowledged NOSUPPORT is taken as well");
    }

    [Test]
    public void SlcTable_SameValueAtAnotherLevel_IsAnswered()
    {
        var table = new SlcTable();

        Assert.That(table.Receive([new SlcTriplet(3, 1, 0x03)]), Is.EqualTo(new[] { new SlcTriplet(3, 1 | Ack, 0x03) }), "CANTCHANGE ^C differs from our VALUE ^C");
        Assert.That(table.Receive([new SlcTriplet(3, 1, 0x03)]), Is.Empty);
        Assert.That(table.Receive([new SlcTriplet(1, 0, 0)]), Is.Empty, "NOSUPPORT for a function we do not support either");
        Assert.That(table.Receive([new SlcTriplet(8, 3, 0)]), Is.EqualTo(new[] { SlcTable.Defaults[7] }), "DEFAULT with another value answers ours");
    }

    [Test]
    public void SlcTable_Reset_GoesBackToTheDefaults()
    {
        var table = new SlcTable();
        table.Receive([new SlcTriplet(3, 2, 0x7F), new SlcTriplet(10, 0, 0)]);

        table.Reset();

        Assert.That(table.Current, Is.EqualTo(SlcTable.Defaults));
        Assert.That(() => table.Receive(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("triplets"));
    }

    [Test]
    public void CharacterMode_LiteralNextPendingFromEditMode_SendsTheKeyAsTyped()
    {
        var editor = new LineEditor();
        Assert.That(Type(editor, "\x16", LinemodeModes.Edit).Sent, Is.Empty);

        Assert.That(Type(editor, "\x03", LinemodeModes.TrapSig), Is.EqualTo(("\x03", string.Empty)), "the literal next of edit mode still holds: ^C is sent as data, not trapped");
        Assert.That(Type(editor, "\x03", LinemodeModes.TrapSig).Sent, Is.EqualTo("<InterruptProcess>"));
    }

    [Test]
    public void TrapSig_OutputAndAytAndBreak_KeepTheLine_EofWithoutEditIsTheCommandAlone()
    {
        var slc = new SlcTable();
        slc.Receive([new SlcTriplet((byte)SlcFunction.Break, 2, 0x1D)]);
        var editor = new LineEditor();

        Assert.That(Type(editor, "ab\x0f\x14\x1d", LinemodeModes.Edit | LinemodeModes.TrapSig, slc).Sent, Is.EqualTo("<AbortOutput>|<AreYouThere>|<Break>"));
        Assert.That(Encoding.ASCII.GetString([.. editor.Pending]), Is.EqualTo("ab"), "AO, AYT and BRK do not flush the line");
        Assert.That(Type(editor, "\x1a", LinemodeModes.Edit | LinemodeModes.TrapSig).Sent, Is.EqualTo("<Suspend>"));
        Assert.That(editor.Pending, Is.Empty, "SUSP flushes it");
        Assert.That(Type(editor, "cd\x1c", LinemodeModes.Edit | LinemodeModes.TrapSig).Sent, Is.EqualTo("<Abort>"));
        Assert.That(editor.Pending, Is.Empty, "ABORT flushes it");
        Assert.That(Type(editor, "\x04", LinemodeModes.TrapSig).Sent, Is.EqualTo("<EndOfFile>"));
        Assert.That(Type(editor, "\x04", LinemodeModes.Edit | LinemodeModes.TrapSig).Sent, Is.EqualTo("<EndOfFile>"), "EOF on an empty line sends no data");
    }

    [Test]
    public void Edit_Backspace_ErasesOnlyWhenNoEraseCharacterIsBound()
    {
        Assert.That(Type(new LineEditor(), "ab\bc\r", LinemodeModes.Edit).Sent, Is.EqualTo("ab\bc\r\n"), "with DEL as the erase character, BS is a character");

        var slc = new SlcTable();
        slc.Receive([new SlcTriplet((byte)SlcFunction.EraseCharacter, 0, 0)]);
        Assert.That(Type(new LineEditor(), "ab\bc\r", LinemodeModes.Edit, slc), Is.EqualTo(("ac\r\n", "ab\b \bc\r\n")), "with none bound, BS erases");
    }

    [Test]
    public void Edit_ErasingAnEmptyLine_EchoesNothing()
    {
        var editor = new LineEditor();

        Assert.That(Type(editor, "\x7f\x17\x15", LinemodeModes.Edit), Is.EqualTo((string.Empty, string.Empty)));
        Assert.That(Type(editor, "a\x7f\x7f", LinemodeModes.Edit).Echo, Is.EqualTo("a\b \b"));
    }

    [Test]
    public void Edit_EraseWord_TakesTrailingSpacesAndTheWordBeforeThem()
    {
        var editor = new LineEditor();

        var (_, echo) = Type(editor, "ls foo  \x17", LinemodeModes.Edit);

        Assert.That(Encoding.ASCII.GetString([.. editor.Pending]), Is.EqualTo("ls "));
        Assert.That(echo, Is.EqualTo("ls foo  " + string.Concat(Enumerable.Repeat("\b \b", 5))));
        Type(editor, "\x17", LinemodeModes.Edit);
        Assert.That(editor.Pending, Is.Empty, "then the first word and its space");
    }

    [Test]
    public void Edit_Reprint_EchoesANewLineAndTheLineSoFar()
    {
        var editor = new LineEditor();

        Assert.That(Type(editor, "ab\x12", LinemodeModes.Edit), Is.EqualTo((string.Empty, "ab\r\nab")));
        Assert.That(Encoding.ASCII.GetString([.. editor.Pending]), Is.EqualTo("ab"));
    }

    [Test]
    public void Edit_LineEnds_CrLfIsOne_CrCrAndLfLfAreTwo_AndCrThenTextThenLfAreTwo()
    {
        Assert.That(Type(new LineEditor(), "a\r\rb\n\n", LinemodeModes.Edit).Sent, Is.EqualTo("a\r\n|\r\n|b\r\n|\r\n"));
        Assert.That(Type(new LineEditor(), "a\rb\nc\r\n", LinemodeModes.Edit).Sent, Is.EqualTo("a\r\n|b\r\n|c\r\n"));
        Assert.That(Type(new LineEditor(), "a\r\n\nb\r\n", LinemodeModes.Edit).Sent, Is.EqualTo("a\r\n|\r\n|b\r\n"), "only the LF right after a CR is taken with it");
        Assert.That(Type(new LineEditor(), "a\r\x7f\n", LinemodeModes.Edit).Sent, Is.EqualTo("a\r\n|\r\n"), "a key between CR and LF makes the LF a line end of its own");

        var editor = new LineEditor();
        Assert.That(Type(editor, "a\r", LinemodeModes.Edit).Sent, Is.EqualTo("a\r\n"));
        Assert.That(Type(editor, "\nb\n", LinemodeModes.Edit).Sent, Is.EqualTo("b\r\n"), "CR and LF typed in two calls are still one line end");
    }

    [Test]
    public void Edit_ForwardingCharacters_SendTheLineWithTheCharacter()
    {
        var slc = new SlcTable();
        slc.Receive([new SlcTriplet((byte)SlcFunction.Forward1, 2, (byte)';'), new SlcTriplet((byte)SlcFunction.Forward2, 2, (byte)'!')]);
        var editor = new LineEditor();

        Assert.That(Type(editor, "a;b!c", LinemodeModes.Edit, slc).Sent, Is.EqualTo("a;|b!"));
        Assert.That(Encoding.ASCII.GetString([.. editor.Pending]), Is.EqualTo("c"));
    }

    [Test]
    public void Flush_SendsWhatIsPendingOnce_AndNothingWhenEmpty()
    {
        var editor = new LineEditor();
        Type(editor, "abc", LinemodeModes.Edit);
        var send = new List<LineEditorOutput>();

        editor.Flush(send);
        editor.Flush(send);

        Assert.That(send, Has.Count.EqualTo(1));
        Assert.That(send[0].Bytes, Is.EqualTo("abc"u8.ToArray()));
        Assert.That(send[0].Verb, Is.Null);
        Assert.That(editor.Pending, Is.Empty);
    }

    [Test]
    public void LineEditor_NullArguments_ThrowNamingTheParameter()
    {
        var editor = new LineEditor();

        Assert.That(() => editor.Type([1], LinemodeModes.Edit, null!, [], []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("slc"));
        Assert.That(() => editor.Type([1], LinemodeModes.Edit, new SlcTable(), null!, []), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("send"));
        Assert.That(() => editor.Type([1], LinemodeModes.Edit, new SlcTable(), [], null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("echo"));
        Assert.That(() => editor.Flush(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("send"));
        Assert.That(() => LineEditorOutput.Data(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("bytes"));
        var command = LineEditorOutput.Command(TelnetVerb.AreYouThere);
        Assert.That(command.Verb, Is.EqualTo(TelnetVerb.AreYouThere));
        Assert.That(command.Bytes, Is.Empty);
    }
}
