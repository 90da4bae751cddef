namespace RxTelnet.Tests.Options;

using System.Text;
using RxTelnet.Options;

/// <summary>Peer input never throws: every parser gets random payloads built from the bytes that matter to it.</summary>
[TestFixture]
public sealed class OptionsFuzzTests
{
    private static readonly byte[] Interesting = [0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 19, 20, 32, 59, 65, 91, 93, 100, 101, 106, 112, 113, 0x7F, 0x80, 0xC3, 0xE2, 0xED, 0xF0, 240, 250, 251, 252, 253, 254, 255];

    [Test]
    public void EveryParser_RandomPayloads_NeverThrows([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        Encoding[] supported = [Encoding.UTF8, Encoding.Latin1];
        for (var n = 0; n < 20_000; n++)
        {
            var payload = new byte[random.Next(0, 48)];
            for (var i = 0; i < payload.Length; i++)
            {
                payload[i] = random.Next(4) == 0 ? (byte)random.Next(256) : Interesting[random.Next(Interesting.Length)];
            }

            if (n % 8 == 0 && payload.Length > 9)
            {
                // Reach the CHARSET translation-table path too.
                payload[0] = 1;
                "[TTABLE]"u8.CopyTo(payload.AsSpan(1));
            }

            try
            {
                Naws.TryParse(payload, out _, out _);
                Msdp.TryParse(payload, out _);
                TerminalType.IsSend(payload);
                TerminalType.TryParseIs(payload, out _);
                NewEnviron.TryParse(payload, out _, out _);
                NewEnviron.TryParseSend(payload, out _);
                if (Charset.TryParseRequest(payload, out var names, out _))
                {
                    Charset.TrySelect(names, supported, out _, out _);
                }

                Charset.TryParseAccepted(payload, out _);
                Charset.TryGetCommand(payload, out _);
                if (ComPort.TryParse(payload, out var message) && message.Command != ComPortCommand.Signature)
                {
                    // Signatures are read as UTF-8 with replacement characters, so only they may not round-trip.
                    Assert.That(ComPort.Encode(message), Is.EqualTo(payload), "a parsed COM-PORT message encodes back to its bytes");
                }

                Gmcp.TryParse(payload, out _, out _);
                Mssp.TryParse(payload, out _);
                Status.IsSend(payload);
                Status.TryParseIs(payload, out _);
            }
            catch (Exception ex) when (ex is not AssertionException)
            {
                Assert.Fail($"payload {Convert.ToHexString(payload)} threw {ex}");
            }
        }
    }
}
