namespace RxTelnet.Tests.Compat;

using System.Threading.Channels;
using RxTelnet.Compat;
using RxTelnet.Session;
using RxTelnet.Transport;
using static RxTelnet.Tests.Compat.TelnetHarness;

/// <summary>telnetlib's <c>interact</c> and <c>mt_interact</c>, against an in-memory server session.</summary>
[TestFixture]
public sealed class TelnetInteractTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static (Telnet Client, TelnetSession Server) CreatePair()
    {
        var (client, server) = InMemoryTransport.CreatePair();
        return (new Telnet(client), new TelnetSession(server).Start());
    }

    [Test]
    public async Task Interact_CopiesBothWays_AndReportsRemoteClose()
    {
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        using var input = new ScriptedInput();
        var output = new StringWriter { NewLine = "\n" };

        var interaction = Task.Run(() => telnet.Interact(input, output));
        input.Send("ls -l");
        Assert.That(S(await server.ReadUntilAsync(B("\n")).WaitAsync(Patience)), Is.EqualTo("ls -l\n"), "each line goes out with its newline");
        await server.WriteAsync(B("total 0\r\n\u00e9"));
        server.Close();
        await interaction.WaitAsync(Patience);

        Assert.That(output.ToString(), Is.EqualTo("total 0\r\n\u00e9" + Telnet.ConnectionClosedMessage + "\n"));
    }

    [Test]
    public async Task Interact_FlushesAfterEveryWrite()
    {
        // telnetlib's interact writes with sys.stdout.write and flushes each time: a prompt without a newline shows at once.
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        using var input = new ScriptedInput();
        var output = new FlushRecordingWriter();
        var interaction = Task.Run(() => telnet.Interact(input, output));

        await server.WriteAsync(B("login: "));
        server.Close();
        await interaction.WaitAsync(Patience);

        var events = output.Events;
        Assert.That(events, Is.Not.Empty);
        Assert.That(events[^1], Is.EqualTo("flush"), "the last write is flushed");
        for (var i = 0; i < events.Count - 1; i++)
        {
            if (events[i] != "flush")
            {
                Assert.That(events[i + 1], Is.EqualTo("flush"), $"'{events[i]}' is flushed before anything else is written");
            }
        }

        Assert.That(string.Concat(events.Where(static e => e != "flush")), Is.EqualTo("login: " + Telnet.ConnectionClosedMessage + "\n"));
    }

    [Test]
    public async Task Interact_EndOfInput_ReturnsAndLeavesConnectionOpen()
    {
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        var output = new StringWriter();

        await Task.Run(() => telnet.Interact(new StringReader("one\ntwo\n"), output)).WaitAsync(Patience);

        Assert.That(S(await server.ReadUntilAsync(B("two\n")).WaitAsync(Patience)), Is.EqualTo("one\ntwo\n"));
        Assert.That(telnet.Eof, Is.False);
        Assert.That(output.ToString(), Is.Empty);
        await server.WriteAsync(B("later"));
        Assert.That(S(await telnet.ReadUntilAsync(B("later")).WaitAsync(Patience)), Is.EqualTo("later"), "no read is left pending after the interaction");
    }

    [Test]
    public async Task InteractAsync_Cancelled_Throws()
    {
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        using var input = new ScriptedInput();
        using var cts = new CancellationTokenSource();

        var interaction = telnet.InteractAsync(input, TextWriter.Null, cts.Token);
        await cts.CancelAsync();

        Assert.That(async () => await interaction.WaitAsync(Patience), Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task MtInteract_CopiesBothWays_UntilEndOfInput()
    {
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        using var input = new ScriptedInput();
        var output = new SignallingWriter();

        var interaction = Task.Run(() => telnet.MtInteract(input, output));
        input.Send("hello");
        Assert.That(S(await server.ReadUntilAsync(B("\n")).WaitAsync(Patience)), Is.EqualTo("hello\n"));
        await server.WriteAsync(B("world\r\n"));
        await output.WaitForAsync("world\r\n").WaitAsync(Patience);
        server.Close();
        await output.WaitForAsync(Telnet.ConnectionClosedMessage).WaitAsync(Patience);

        Assert.That(interaction.IsCompleted, Is.False, "as in telnetlib, only the end of input ends mt_interact");
        input.End();
        await interaction.WaitAsync(Patience);
        Assert.That(output.ToString(), Is.EqualTo("world\r\n" + Telnet.ConnectionClosedMessage + Environment.NewLine));
    }

    [Test]
    public async Task MtInteract_LineAfterClose_EndsTheLoop()
    {
        // telnetlib's mt_interact ends with OSError at the first line it cannot send; here the loop ends quietly.
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        await using var __ = server;
        using var input = new ScriptedInput();
        var output = new SignallingWriter();
        var interaction = Task.Run(() => telnet.MtInteract(input, output));
        input.Send("hello");
        Assert.That(S(await server.ReadUntilAsync(B("\n")).WaitAsync(Patience)), Is.EqualTo("hello\n"));

        telnet.Close();
        await output.WaitForAsync(Telnet.ConnectionClosedMessage).WaitAsync(Patience);
        input.Send("too late");

        await interaction.WaitAsync(Patience);
        Assert.That(output.ToString(), Is.EqualTo(Telnet.ConnectionClosedMessage + Environment.NewLine));
    }

    [Test]
    public void Interact_InvalidArguments_Throw()
    {
        var (telnet, server) = CreatePair();
        using var _ = telnet;
        using var __ = server;

        Assert.Throws<ArgumentNullException>(() => telnet.Interact(null!, TextWriter.Null));
        Assert.Throws<ArgumentNullException>(() => telnet.Interact(TextReader.Null, null!));
        Assert.Throws<ArgumentNullException>(() => telnet.MtInteract(null!, TextWriter.Null));
        Assert.Throws<ArgumentNullException>(() => telnet.MtInteract(TextReader.Null, null!));
    }

    /// <summary>Console-like input whose lines the test supplies one by one.</summary>
    private sealed class ScriptedInput : TextReader
    {
        private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>();

        public void Send(string line) => _lines.Writer.TryWrite(line);

        public void End() => _lines.Writer.TryWrite(null);

        public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

        public override ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken) => _lines.Reader.ReadAsync(cancellationToken);
    }

    /// <summary>A writer that records what is written and each flush, in order.</summary>
    private sealed class FlushRecordingWriter : TextWriter
    {
        private readonly List<string> _events = [];

        public FlushRecordingWriter()
        {
            NewLine = "\n";
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.Latin1;

        public List<string> Events
        {
            get
            {
                lock (_events)
                {
                    return [.. _events];
                }
            }
        }

        public override void Write(char value) => Record(value.ToString());

        public override void Write(string? value) => Record(value ?? string.Empty);

        public override void WriteLine(string? value) => Record((value ?? string.Empty) + NewLine);

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        public override void Flush() => Record("flush");

        public override Task FlushAsync()
        {
            Flush();
            return Task.CompletedTask;
        }

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Flush();
            return Task.CompletedTask;
        }

        private void Record(string text)
        {
            lock (_events)
            {
                _events.Add(text);
            }
        }
    }

    /// <summary>A StringWriter that lets the test await some text.</summary>
    private sealed class SignallingWriter : StringWriter
    {
        private readonly object _gate = new();
        private readonly List<(string Text, TaskCompletionSource Done)> _waits = [];

        public Task WaitForAsync(string text)
        {
            lock (_gate)
            {
                if (ToString().Contains(text, StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }

                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((text, done));
                return done.Task;
            }
        }

        public override void Write(char value)
        {
            lock (_gate)
            {
                base.Write(value);
                Signal();
            }
        }

        public override void Write(string? value)
        {
            lock (_gate)
            {
                base.Write(value);
                Signal();
            }
        }

        public override Task WriteAsync(string? value)
        {
            Write(value);
            return Task.CompletedTask;
        }

        public override Task WriteLineAsync(string? value)
        {
            WriteLine(value);
            return Task.CompletedTask;
        }

        private void Signal()
        {
            var text = ToString();
            _waits.RemoveAll(w => text.Contains(w.Text, StringComparison.Ordinal) && w.Done.TrySetResult() | true);
        }
    }
}
