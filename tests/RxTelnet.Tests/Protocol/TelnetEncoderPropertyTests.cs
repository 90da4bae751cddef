namespace RxTelnet.Tests.Protocol;

using System.Reactive.Subjects;
using FsCheck;
using FsCheck.Fluent;
using RxTelnet.Protocol;

/// <summary>What the encoder writes, the parser reads back: encode then parse is the identity (up to the documented NVT rules).</summary>
[TestFixture]
public sealed class TelnetEncoderPropertyTests
{
    // Escaped binary data must come back byte for byte, so the NVT CR NUL rule is off here: with it on, data
    // that itself contains CR NUL would (correctly) come back as CR.
    private static readonly TelnetParserOptions Binary = TelnetParserOptions.Default with { CollapseCrNul = false };

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property EscapeData_AnyDataAnyChunking_ParsesBackToTheData()
    {
        var cases =
            from data in TelnetGen.Bytes(TelnetGen.Byte, 3)
            from lengths in TelnetGen.ChunkLengths
            select (Data: data, Lengths: lengths);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var wire = TelnetEncoder.EscapeData(c.Data);
            var events = ParseChunks(wire, c.Lengths, Binary);
            return (events.All(e => e.IsData) && Cooked(events).SequenceEqual(c.Data))
                .Label("only data events, holding exactly the original bytes");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property Encode_AnyCommand_ParsesBackToAnEqualCommand()
    {
        return Prop.ForAll(TelnetGen.Command.ToArbitrary(), command =>
        {
            var events = ParseChunks(TelnetEncoder.Encode(command), [], TelnetParserOptions.Default);
            return (events.Count == 1 && events[0].IsCommand && events[0].Command == command)
                .Label($"one command event equal to {command}, got [{string.Join(", ", events)}]");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property Encode_CommandsBetweenDataAnyChunking_ParseBackInOrder()
    {
        var item = Gen.OneOf(
            TelnetGen.Bytes(TelnetGen.Byte, 1).Select(data => (Data: data, Command: (TelnetCommand?)null)),
            TelnetGen.Command.Select(command => (Data: Array.Empty<byte>(), Command: (TelnetCommand?)command)));
        var cases =
            from items in Gen.ListOf(item)
            from lengths in TelnetGen.ChunkLengths
            select (Items: items.ToArray(), Lengths: lengths);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            byte[] wire = [.. c.Items.SelectMany(i => i.Command is { } command ? TelnetEncoder.Encode(command) : TelnetEncoder.EscapeData(i.Data))];
            var expected = Transcript.Merge(c.Items
                .Where(i => i.Command is not null || i.Data.Length > 0)
                .Select(i => Transcript.Of(i.Command is { } command ? TelnetEvent.FromCommand(command) : TelnetEvent.FromData(i.Data))));

            var events = ParseChunks(wire, c.Lengths, Binary);
            var actual = Transcript.Merge(events.Select(Transcript.Of));

            var commandsEqual = events.Where(e => e.IsCommand).Select(e => e.Command)
                .SequenceEqual(c.Items.Where(i => i.Command is not null).Select(i => i.Command!.Value));
            return (commandsEqual && actual.SequenceEqual(expected))
                .Label("expected: " + string.Join(" | ", expected))
                .Label("actual:   " + string.Join(" | ", actual));
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property EncodeText_NvtThenParse_GivesBackTheText()
    {
        // CR alone goes out as CR NUL and the parser collapses it back; CR LF, LF and NUL pass; IAC is doubled and undoubled.
        return Prop.ForAll(TextCases().ToArbitrary(), c =>
        {
            var events = ParseChunks(TelnetEncoder.EncodeText(c.Text, TelnetNewline.Nvt), c.Lengths, TelnetParserOptions.Default);
            return Cooked(events).SequenceEqual(c.Text).Label("the cooked text is the original text");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property EncodeText_NvtCrLfThenParse_GivesBackTheTextWithBareLfAsCrLf()
    {
        return Prop.ForAll(TextCases().ToArbitrary(), c =>
        {
            var events = ParseChunks(TelnetEncoder.EncodeText(c.Text, TelnetNewline.NvtCrLf), c.Lengths, TelnetParserOptions.Default);
            var expected = BareLfToCrLf(c.Text);
            return Cooked(events).SequenceEqual(expected)
                .Label($"expected {Convert.ToHexString(expected)}, got {Convert.ToHexString(Cooked(events))}");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property EncodeText_NoneThenParseWithoutCollapse_GivesBackTheText()
    {
        return Prop.ForAll(TextCases().ToArbitrary(), c =>
        {
            var events = ParseChunks(TelnetEncoder.EncodeText(c.Text, TelnetNewline.None), c.Lengths, Binary);
            return Cooked(events).SequenceEqual(c.Text).Label("None only doubles IAC, so the bytes come back as they were");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 300, QuietOnSuccess = true)]
    public Property EncodeText_NvtModes_NeverSendABareCrOrLoneIac()
    {
        var cases =
            from text in TelnetGen.Bytes(TelnetGen.TextByte, 3)
            from mode in Gen.Elements(TelnetNewline.Nvt, TelnetNewline.NvtCrLf)
            select (Text: text, Mode: mode);

        return Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var wire = TelnetEncoder.EncodeText(c.Text, c.Mode);
            var ok = true;
            for (var i = 0; i < wire.Length; i++)
            {
                if (wire[i] == 13)
                {
                    // RFC 854: CR must be followed by LF or NUL on the wire.
                    ok &= i + 1 < wire.Length && wire[i + 1] is 10 or 0;
                    i++;
                }
                else if (wire[i] == 255)
                {
                    ok &= i + 1 < wire.Length && wire[i + 1] == 255;
                    i++;
                }
                else if (wire[i] == 10 && c.Mode == TelnetNewline.NvtCrLf)
                {
                    ok = false; // an LF not consumed as the second half of CR LF is a bare LF
                }
            }

            return ok.Label($"wire {Convert.ToHexString(wire)}");
        });
    }

    private static Gen<(byte[] Text, int[] Lengths)> TextCases() =>
        from text in TelnetGen.Bytes(TelnetGen.TextByte, 3)
        from lengths in TelnetGen.ChunkLengths
        select (text, lengths);

    /// <summary>The documented NvtCrLf rule: an LF that does not already follow a CR becomes CR LF.</summary>
    private static byte[] BareLfToCrLf(byte[] text)
    {
        var result = new List<byte>(text.Length * 2);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == 10 && (i == 0 || text[i - 1] != 13))
            {
                result.Add(13);
            }

            result.Add(text[i]);
        }

        return [.. result];
    }

    private static byte[] Cooked(List<TelnetEvent> events) => [.. events.Where(e => e.IsData).SelectMany(e => e.Data.ToArray())];

    /// <summary>Parses through the ParseTelnet operator, one fresh array per chunk, as the transport delivers them.</summary>
    private static List<TelnetEvent> ParseChunks(byte[] wire, int[] lengths, TelnetParserOptions options)
    {
        var events = new List<TelnetEvent>();
        using var source = new Subject<byte[]>();
        using var subscription = source.ParseTelnet(options).Subscribe(events.Add);
        foreach (var chunk in TelnetGen.Chunks(wire.Length, lengths))
        {
            source.OnNext(wire[chunk]);
        }

        source.OnCompleted();
        return events;
    }
}
