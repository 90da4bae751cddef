namespace RxTelnet.Samples.MonitoringPipeline.Fleet;

using System.Reactive.Concurrency;
using System.Text;
using RxTelnet.Session;

/// <summary>One connection's view of a <see cref="SimulatedDevice"/>: a line-driven login dialogue, then a tiny shell.</summary>
internal sealed class DeviceConsole(SimulatedDevice device, TelnetSession session)
{
    private readonly object _gate = new();
    private readonly StringBuilder _line = new();
    private Stage _stage = Stage.User;
    private string _user = string.Empty;

    private enum Stage
    {
        User,
        Password,
        Shell,
        Gone,
    }

    public void Greet() => Send(new WireWriter().Text($"\n{device.Name} (RxTelnet simulated device)\n\nlogin: "));

    public void OnData(ReadOnlyMemory<byte> data)
    {
        // The Data stream is serial per session; the gate only guards against a reply timer racing a close.
        List<string> lines = [];
        lock (_gate)
        {
            foreach (var b in data.Span)
            {
                if (b == (byte)'\n')
                {
                    lines.Add(_line.ToString());
                    _line.Clear();
                }
                else if (b is not ((byte)'\r' or 0))
                {
                    _line.Append((char)b);
                }
            }
        }

        foreach (var line in lines)
        {
            Handle(line);
        }
    }

    private void Handle(string line)
    {
        Stage stage;
        lock (_gate)
        {
            stage = _stage;
        }

        switch (stage)
        {
            case Stage.User:
                SetStage(Stage.Password);
                _user = line.Trim();
                Send(new WireWriter().Text("Password: "));
                break;
            case Stage.Password:
                if (_user == device.Profile.User && line == device.Profile.Password)
                {
                    SetStage(Stage.Shell);
                    Send(new WireWriter().Text($"\nWelcome to {device.Name}.\n{device.Profile.Prompt}"));
                }
                else
                {
                    SetStage(Stage.User);
                    Send(new WireWriter().Text("\nLogin incorrect\n\nlogin: "));
                }

                break;
            case Stage.Shell:
                Command(line.Trim());
                break;
        }
    }

    private void Command(string command)
    {
        switch (command)
        {
            case "":
                Send(new WireWriter().Text(device.Profile.Prompt));
                return;
            case "exit" or "logout" or "quit":
                SetStage(Stage.Gone);
                session.Close();
                return;
        }

        device.CountCommand();
        var faults = device.DrawFaults(device.Elapsed);
        if (faults.Delay <= TimeSpan.Zero)
        {
            Reply(command, faults);
        }
        else
        {
            // Slowness: the reply, counters included, is made when the delay is over, on the device's scheduler.
            device.Scheduler.Schedule(faults.Delay, () => Reply(command, faults));
        }
    }

    private void Reply(string command, SimulatedDevice.ReplyFaults faults)
    {
        var prompt = device.Profile.Prompt;
        var wire = command switch
        {
            "show interfaces" => Table(faults).Text(prompt),
            "show version" => new WireWriter().Text($"RxTelnet simulated device {device.Name}, up {device.Elapsed:d\\.hh\\:mm\\:ss}\n{prompt}"),
            _ => new WireWriter().Text($"% Unknown command: {command}\n{prompt}"),
        };
        Send(wire, thenClose: faults.Disconnect);
    }

    private WireWriter Table(SimulatedDevice.ReplyFaults faults)
    {
        var table = SimulatedDevice.FormatTable(device.CountersAt(device.Elapsed));
        var writer = new WireWriter();
        if (!faults.Garbage && !faults.Corrupt)
        {
            return writer.Text(table);
        }

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Encoding.Latin1.GetBytes).ToList();

        var random = new Random(faults.NoiseSeed);
        if (faults.Corrupt && lines.Count > 1)
        {
            // Splice random bytes into one interface line: it no longer parses, and the poller must say so.
            var victim = random.Next(1, lines.Count);
            var at = random.Next(0, lines[victim].Length + 1);
            lines[victim] = [.. lines[victim].AsSpan(0, at), .. Garbage.Bytes(random, 1, 6), .. lines[victim].AsSpan(at)];
        }

        if (faults.Garbage)
        {
            lines.Insert(random.Next(0, lines.Count + 1), Garbage.Bytes(random, 4, 40));
        }

        // Stray commands land anywhere in the text, even inside a number: the parser takes them out.
        var strays = faults.Garbage ? random.Next(1, 4) : 0;
        var positions = Enumerable.Range(0, strays).Select(_ => (Line: random.Next(lines.Count), Fraction: random.NextDouble())).ToList();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var cuts = positions.Where(p => p.Line == i).Select(p => (int)(p.Fraction * line.Length)).Order().ToList();
            var start = 0;
            foreach (var cut in cuts)
            {
                writer.Data(line.AsSpan(start, cut - start)).Raw(Garbage.StrayCommand(random));
                start = cut;
            }

            writer.Data(line.AsSpan(start)).Text("\n");
        }

        return writer;
    }

    private void SetStage(Stage stage)
    {
        lock (_gate)
        {
            _stage = stage;
        }
    }

    private void Send(WireWriter wire, bool thenClose = false)
    {
        Task write;
        try
        {
            write = session.WriteRawAsync(wire.ToArray());
        }
        catch (TelnetException)
        {
            return;
        }

        if (!thenClose)
        {
            _ = write.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return;
        }

        // Close only once the reply is on its way; in-memory writes complete at once, which keeps virtual time exact.
        if (write.IsCompleted)
        {
            session.Close();
        }
        else
        {
            _ = write.ContinueWith(_ => session.Close(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }
}
