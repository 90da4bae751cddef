namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

using System.Buffers;

/// <summary>
/// Builds a reply as Telnet wire bytes: text as NVT (LF sent as CR LF), data with IAC doubled, and raw commands
/// where the simulator wants stray ones. The whole reply then goes out in one write.
/// </summary>
internal sealed class WireWriter
{
    private const byte Iac = 255;
    private readonly ArrayBufferWriter<byte> _wire = new(512);

    public WireWriter Text(string text)
    {
        var span = _wire.GetSpan(text.Length * 2);
        var n = 0;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                span[n++] = (byte)'\r';
            }

            span[n++] = (byte)c;
        }

        _wire.Advance(n);
        return this;
    }

    public WireWriter Data(ReadOnlySpan<byte> data)
    {
        var span = _wire.GetSpan(data.Length * 2);
        var n = 0;
        foreach (var b in data)
        {
            span[n++] = b;
            if (b == Iac)
            {
                span[n++] = Iac;
            }
        }

        _wire.Advance(n);
        return this;
    }

    public WireWriter Raw(ReadOnlySpan<byte> wire)
    {
        _wire.Write(wire);
        return this;
    }

    public byte[] ToArray() => _wire.WrittenSpan.ToArray();
}
