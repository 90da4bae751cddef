namespace RxTelnet.Cli;

using System.Globalization;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Text;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// The <c>--log</c> trace: every chunk sent and received with its direction, time, hex and printable form,
/// then what it parsed into (data, commands, warnings).
/// </summary>
public sealed class TraceLog : IDisposable
{
    private const int BytesPerLine = 16;
    private readonly object _gate = new();
    private readonly TextWriter _writer;
    private readonly Func<DateTimeOffset> _clock;
    private readonly CompositeDisposable _subscriptions = [];
    private bool _disposed;

    public TraceLog(TextWriter writer, Func<DateTimeOffset>? clock = null)
    {
        _writer = writer;
        _clock = clock ?? (() => DateTimeOffset.Now);
    }

    /// <summary>Opens <paramref name="path"/> for writing (replacing it) and traces into it.</summary>
    /// <param name="path">The log file.</param>
    /// <returns>The log.</returns>
    public static TraceLog Open(string path) =>
        new(new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { AutoFlush = true });

    /// <summary>Traces <paramref name="session"/>; call before the session starts to see the first byte.</summary>
    /// <param name="session">The session.</param>
    public void Attach(TelnetSession session)
    {
        _subscriptions.Add(session.RawReceived.Subscribe(chunk => Chunk('<', "received", chunk)));
        _subscriptions.Add(session.Events.Subscribe(e => Event('<', e)));
        // What we send is parsed again here so that the trace names our commands as it names the server's.
        _subscriptions.Add(session.RawSent.Do(chunk => Chunk('>', "sent", chunk)).ParseTelnet().Subscribe(e => Event('>', e)));
        _subscriptions.Add(session.Secure.Where(static secure => secure).Subscribe(_ => Note("the connection is encrypted (TLS)")));
        _subscriptions.Add(session.State.Subscribe(s => Line($"-- state {s.Status}{(s.IsClosed ? $" ({s.Reason})" : string.Empty)}")));
    }

    /// <summary>Writes a free-form note (connection, errors).</summary>
    /// <param name="text">The note.</param>
    public void Note(string text) => Line("-- " + text);

    public void Dispose()
    {
        _subscriptions.Dispose();
        lock (_gate)
        {
            if (!_disposed)
            {
                _disposed = true;
                _writer.Dispose();
            }
        }
    }

    /// <summary>Renders bytes as text for the trace: printable ASCII as is, the rest as C-style escapes.</summary>
    /// <param name="bytes">The bytes.</param>
    /// <returns>The rendering.</returns>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'\r' => sb.Append("\\r"),
                (byte)'\n' => sb.Append("\\n"),
                (byte)'\t' => sb.Append("\\t"),
                (byte)'\\' => sb.Append("\\\\"),
                (byte)'"' => sb.Append("\\\""),
                0x1b => sb.Append("\\e"),
                >= 0x20 and < 0x7f => sb.Append((char)b),
                _ => sb.Append(CultureInfo.InvariantCulture, $"\\x{b:x2}"),
            };
        }

        return sb.ToString();
    }

    private void Chunk(char direction, string verb, byte[] chunk)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{Stamp()} {direction} {verb} {chunk.Length} bytes");
        for (var offset = 0; offset < chunk.Length; offset += BytesPerLine)
        {
            var line = chunk.AsSpan(offset, Math.Min(BytesPerLine, chunk.Length - offset));
            sb.AppendLine().Append("    ");
            for (var i = 0; i < BytesPerLine; i++)
            {
                _ = i < line.Length ? sb.Append(CultureInfo.InvariantCulture, $"{line[i]:x2} ") : sb.Append("   ");
            }

            sb.Append(" |");
            foreach (var b in line)
            {
                sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '.');
            }

            sb.Append('|');
        }

        Write(sb.ToString());
    }

    private void Event(char direction, TelnetEvent e)
    {
        var text = e.Kind switch
        {
            TelnetEventKind.Data => $"data \"{Printable(e.Data.Span)}\"",
            TelnetEventKind.Command => $"IAC {e.Command}",
            _ => $"warning {e.Warning}",
        };
        Line($"{direction} {text}");
    }

    private void Line(string text) => Write($"{Stamp()} {text}");

    private string Stamp() => _clock().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    private void Write(string text)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _writer.WriteLine(text);
            }
        }
    }
}
