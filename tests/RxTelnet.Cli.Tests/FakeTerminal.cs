namespace RxTelnet.Cli.Tests;

using System.Text;
using System.Threading.Channels;
using RxTelnet.Session;

/// <summary>A console for tests: lines or keys go in through channels, output is captured and can be awaited.</summary>
public sealed class FakeTerminal : ITerminal
{
    private readonly Channel<ConsoleKeyInfo> _keys = Channel.CreateUnbounded<ConsoleKeyInfo>();

    public FakeTerminal(bool keys = false)
    {
        IsInputTerminal = keys;
    }

    public ChannelTextReader Lines { get; } = new();

    public ObservedWriter Output { get; } = new();

    public ObservedWriter Errors { get; } = new();

    public TextReader In => Lines;

    public TextWriter Out => Output;

    public TextWriter Error => Errors;

    public bool IsInputTerminal { get; }

    public bool IsOutputTerminal { get; init; }

    public string? TerminalType { get; init; }

    public WindowSize? WindowSize { get; set; }

    public int RawModeEntered { get; private set; }

    public void Type(string text)
    {
        foreach (var c in text)
        {
            var key = c switch
            {
                '\n' or '\r' => ConsoleKey.Enter,
                '\b' => ConsoleKey.Backspace,
                _ => (ConsoleKey)0,
            };
            _keys.Writer.TryWrite(new ConsoleKeyInfo(c == '\n' ? '\r' : c, key, false, false, false));
        }
    }

    public void EndKeys() => _keys.Writer.TryComplete();

    public ConsoleKeyInfo? ReadKey(CancellationToken cancellationToken)
    {
        try
        {
            return _keys.Reader.ReadAsync(cancellationToken).AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException)
        {
            return null;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public IDisposable EnterRawMode()
    {
        RawModeEntered++;
        return System.Reactive.Disposables.Disposable.Empty;
    }
}

/// <summary>A text reader whose lines a test supplies as the conversation goes.</summary>
public sealed class ChannelTextReader : TextReader
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    public void WriteLine(string line) => _lines.Writer.TryWrite(line);

    public void End() => _lines.Writer.TryComplete();

    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _lines.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public override Task<string?> ReadLineAsync() => ReadLineAsync(CancellationToken.None).AsTask();

    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
}

/// <summary>A text writer that keeps what was written and lets a test wait for a piece of text.</summary>
public sealed class ObservedWriter : TextWriter
{
    private readonly object _gate = new();
    private readonly StringBuilder _text = new();
    private readonly List<(string Text, int From, TaskCompletionSource Seen)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_gate)
            {
                return _text.ToString();
            }
        }
    }

    public override void Write(char value) => Write(value.ToString());

    public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

    public override void Write(string? value)
    {
        lock (_gate)
        {
            _text.Append(value);
            var text = _text.ToString();
            foreach (var waiter in _waiters.Where(w => text.IndexOf(w.Text, w.From, StringComparison.Ordinal) >= 0).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult();
            }
        }
    }

    /// <summary>Gets how much has been written: a mark for <see cref="WaitForAsync"/>.</summary>
    public int Length
    {
        get
        {
            lock (_gate)
            {
                return _text.Length;
            }
        }
    }

    /// <summary>Completes once the output contains <paramref name="text"/> at or after <paramref name="from"/>; fails after <paramref name="timeout"/>.</summary>
    public Task WaitForAsync(string text, int from = 0, TimeSpan? timeout = null)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_text.ToString().IndexOf(text, from, StringComparison.Ordinal) >= 0)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((text, from, seen));
        }

        return seen.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(20))
            .ContinueWith(
                t => t.IsFaulted ? throw new TimeoutException($"Never saw '{text}'. Output so far:\n{Text}") : t,
                TaskScheduler.Default).Unwrap();
    }
}
