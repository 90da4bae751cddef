namespace RxTelnet.Tests.Options;

using RxTelnet.Protocol;

/// <summary>Frames a payload with the encoder and reads it back with the parser, as it crosses the wire.</summary>
internal static class Wire
{
    public static byte[] Frame(TelnetOption option, byte[] payload) => TelnetEncoder.Subnegotiation(option, payload);

    public static byte[] RoundTrip(TelnetOption option, byte[] payload)
    {
        var wire = Frame(option, payload);
        var parser = new TelnetParser();
        var handler = new Capture { Payloads = [] };
        parser.Parse(wire, ref handler);
        Assert.That(handler.Payloads, Has.Count.EqualTo(1), "exactly one subnegotiation on the wire");
        Assert.That(handler.Payloads[0].Option, Is.EqualTo(option));
        return handler.Payloads[0].Payload;
    }

    public static byte[] Bytes(params object[] parts)
    {
        var result = new List<byte>();
        foreach (var part in parts)
        {
            switch (part)
            {
                case string s:
                    result.AddRange(System.Text.Encoding.UTF8.GetBytes(s));
                    break;
                case int i:
                    result.Add(checked((byte)i));
                    break;
                case byte b:
                    result.Add(b);
                    break;
                default:
                    throw new ArgumentException($"Unsupported part {part}.", nameof(parts));
            }
        }

        return result.ToArray();
    }

    private struct Capture : ITelnetParserHandler
    {
        public List<(TelnetOption Option, byte[] Payload)> Payloads;

        public readonly void OnData(ReadOnlySpan<byte> data, int inputOffset) => Assert.Fail("no data expected");

        public readonly void OnCommand(TelnetVerb verb) => Assert.Fail("no command expected");

        public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option) => Assert.Fail("no negotiation expected");

        public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Payloads.Add((option, payload.ToArray()));

        public readonly void OnWarning(TelnetWarning warning) => Assert.Fail($"no warning expected: {warning.Message}");
    }
}
