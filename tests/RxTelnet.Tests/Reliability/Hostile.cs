namespace RxTelnet.Tests.Reliability;

using System.Reflection;
using System.Text;
using RxTelnet.Protocol;

/// <summary>Small helpers shared by the reliability tests.</summary>
internal static class Hostile
{
    public const byte Iac = 255;

    public static byte[] B(string s) => Encoding.Latin1.GetBytes(s);

    public static string S(byte[] b) => Encoding.Latin1.GetString(b);

    public static string S(ReadOnlyMemory<byte> b) => Encoding.Latin1.GetString(b.Span);

    public static byte[] Repeat(byte[] unit, int times)
    {
        var result = new byte[unit.Length * times];
        for (var i = 0; i < times; i++)
        {
            unit.CopyTo(result, i * unit.Length);
        }

        return result;
    }

    /// <summary>A readable, chunking-independent form of an event for assertions.</summary>
    public static string Describe(TelnetEvent e) => e.Kind switch
    {
        TelnetEventKind.Data => "D:" + S(e.Data),
        TelnetEventKind.Command when e.Command.IsSubnegotiation => $"S:{(byte)e.Command.Option!.Value}:{Convert.ToHexString(e.Command.Payload.Span)}",
        TelnetEventKind.Command when e.Command.IsNegotiation => $"N:{e.Command.Verb}:{(byte)e.Command.Option!.Value}",
        TelnetEventKind.Command => $"C:{e.Command.Verb}",
        _ => $"W:{e.Warning.Kind}:{(e.Warning.Option is { } o ? (byte)o : -1)}",
    };

    /// <summary>Joins adjacent data entries of <see cref="Describe"/>d events, so that chunking does not show.</summary>
    public static List<string> MergeData(IEnumerable<string> events)
    {
        var merged = new List<string>();
        foreach (var e in events)
        {
            if (e.StartsWith("D:", StringComparison.Ordinal) && merged.Count > 0 && merged[^1].StartsWith("D:", StringComparison.Ordinal))
            {
                merged[^1] += e[2..];
            }
            else
            {
                merged.Add(e);
            }
        }

        return merged;
    }

    /// <summary>
    /// The capacity of the parser's subnegotiation buffer: private state, read by reflection because "the buffer
    /// never grows past the limit" is exactly the promise under test.
    /// </summary>
    public static int SbBufferCapacity(TelnetParser parser)
    {
        var field = typeof(TelnetParser).GetField("_sbBuffer", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new AssertionException("TelnetParser no longer has a _sbBuffer field: point this helper at the parser's subnegotiation buffer.");
        return ((byte[])field.GetValue(parser)!).Length;
    }
}

/// <summary>A parser handler that counts what it sees and keeps warnings and subnegotiations.</summary>
internal struct CountingHandler : ITelnetParserHandler
{
    public long DataBytes;
    public List<TelnetWarning> Warnings;
    public List<(TelnetOption Option, int Length)> Subnegotiations;

    public static CountingHandler Create() => new() { Warnings = [], Subnegotiations = [] };

    public void OnData(ReadOnlySpan<byte> data, int inputOffset) => DataBytes += data.Length;

    public readonly void OnCommand(TelnetVerb verb)
    {
    }

    public readonly void OnNegotiation(TelnetVerb verb, TelnetOption option)
    {
    }

    public readonly void OnSubnegotiation(TelnetOption option, ReadOnlySpan<byte> payload, int inputOffset) => Subnegotiations.Add((option, payload.Length));

    public readonly void OnWarning(TelnetWarning warning) => Warnings.Add(warning);
}
