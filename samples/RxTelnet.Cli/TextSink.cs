namespace RxTelnet.Cli;

using System.Text;

/// <summary>
/// Writes received bytes to a text writer as they come, decoded with a stateful decoder so a character split
/// across chunks survives; escape sequences pass through untouched. Thread-safe: the receive loop, local echo
/// and the escape prompt all write through one sink.
/// </summary>
public sealed class TextSink(TextWriter writer)
{
    private readonly object _gate = new();
    private Encoding? _encoding;
    private Decoder? _decoder;

    public void WriteBytes(ReadOnlySpan<byte> bytes, Encoding encoding)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(encoding, _encoding))
            {
                _encoding = encoding;
                _decoder = encoding.GetDecoder();
            }

            var chars = new char[_decoder!.GetCharCount(bytes, flush: false)];
            var count = _decoder.GetChars(bytes, chars, flush: false);
            writer.Write(chars, 0, count);
            writer.Flush();
        }
    }

    public void Write(string text)
    {
        lock (_gate)
        {
            writer.Write(text);
            writer.Flush();
        }
    }
}
