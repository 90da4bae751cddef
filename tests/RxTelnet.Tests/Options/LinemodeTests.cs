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
}
