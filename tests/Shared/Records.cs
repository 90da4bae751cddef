namespace RxTelnet.Tests;

using RxTelnet.Protocol;

/// <summary>Framed records whose integrity the receiver can check: any interleaving of two writes breaks them.</summary>
internal static class Records
{
    public const TelnetOption Option = (TelnetOption)200;
    public const int SubnegotiationLength = 48;
    public const int DataLength = 16;

    public static byte[] Subnegotiation(int writer, int index) => Body(writer, index, SubnegotiationLength);

    public static byte[] Data(int writer, int index) => Body(writer, index, DataLength);

    public static bool IsValid(ReadOnlySpan<byte> record, int length, out int writer, out int index)
    {
        writer = record.Length > 0 ? record[0] : -1;
        index = record.Length > 2 ? (record[1] << 8) | record[2] : -1;
        return record.Length == length && writer >= 0 && record.SequenceEqual(Body(writer, index, length));
    }

    private static byte[] Body(int writer, int index, int length)
    {
        var b = new byte[length];
        b[0] = (byte)writer;
        b[1] = (byte)(index >> 8);
        b[2] = (byte)index;
        b[3] = 255; // doubled on the wire: an interleaving inside IAC IAC would show
        for (var k = 4; k < length; k++)
        {
            var v = (byte)((writer * 31) + (index * 7) + k);
            b[k] = v == 13 ? (byte)14 : v; // no CR: NVT cooking would collapse a CR NUL
        }

        return b;
    }
}

/// <summary>Collects what a receiver got and checks it: whole records, each writer's in order, no warnings.</summary>
internal sealed class RecordLog(int expectedRecords)
{
    private readonly object _gate = new();
    private readonly List<byte[]> _subnegotiations = [];
    private readonly List<byte> _data = [];
    private readonly List<string> _problems = [];
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Complete => _complete.Task;

    public void OnEvent(TelnetEvent e)
    {
        lock (_gate)
        {
            switch (e.Kind)
            {
                case TelnetEventKind.Data:
                    _data.AddRange(e.Data.ToArray());
                    break;
                case TelnetEventKind.Command when e.Command.IsSubnegotiation && e.Command.Option == Records.Option:
                    _subnegotiations.Add(e.Command.Payload.ToArray());
                    break;
                case TelnetEventKind.Command when e.Command.IsNegotiation && e.Command.Option == Records.Option:
                    // The agreement that lets the writer send subnegotiations at all.
                    break;
                default:
                    _problems.Add(e.ToString());
                    break;
            }

            if (_subnegotiations.Count == expectedRecords && _data.Count == expectedRecords * Records.DataLength)
            {
                _complete.TrySetResult();
            }
        }
    }

    public void AssertIntact(int writers, int perWriter)
    {
        lock (_gate)
        {
            Assert.That(_problems, Is.Empty, "no warning or stray command: no write was cut by another");
            Check("subnegotiation", _subnegotiations, Records.SubnegotiationLength, writers, perWriter);
            Check("data record", _data.Chunk(Records.DataLength).ToList(), Records.DataLength, writers, perWriter);
        }
    }

    private static void Check(string what, List<byte[]> records, int length, int writers, int perWriter)
    {
        var next = new int[writers];
        foreach (var record in records)
        {
            Assert.That(Records.IsValid(record, length, out var w, out var i), Is.True, $"{what} arrived whole: {Convert.ToHexString(record)}");
            Assert.That(i, Is.EqualTo(next[w]), $"writer {w}'s {what}s arrive in the order written");
            next[w]++;
        }

        Assert.That(next, Is.All.EqualTo(perWriter), $"every {what} arrived");
    }
}
