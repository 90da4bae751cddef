namespace RxTelnet.Tests.Compat.Differential;

using System.Reactive;
using System.Text;
using Microsoft.Reactive.Testing;
using RxTelnet.Compat;
using RxTelnet.Transport;

/// <summary>
/// Replays a <see cref="Scenario"/> through <see cref="Telnet"/> on a <see cref="TestScheduler"/> and records what it
/// did in the shape telnetlib_reference.py records telnetlib's behaviour.
/// </summary>
/// <remarks>
/// <para>
/// Time model (the same as the Python driver's; see the top of telnetlib_reference.py): one scenario tick is one
/// scheduler tick. Chunk <c>i</c> is <c>OnNext(at_i, data_i)</c> on a hot observable and the peer's close is
/// <c>OnCompleted(eof)</c>. The first call starts at tick 0. Each call starts when the previous one returned, with
/// no time in between. A call that returns a task is driven by advancing the scheduler to its next scheduled item,
/// one tick value at a time (items already due at the current tick are run first, without moving the clock), until
/// the task has completed; the tick at which it completed is its return time. The loop is bounded by a horizon
/// after the last arrival and the longest timeout, and by a step count: a task still pending then is recorded as
/// such, and the rest of the scenario is not run. Non-blocking calls return at the tick at which they started.
/// <c>sleep(d)</c> advances the clock by d ticks. Timeouts are <c>TimeSpan.FromTicks(t)</c>.
/// </para>
/// <para>
/// After the last call the eof flag is read; then the clock runs past the last arrival, and whatever the facade sends
/// or calls back after the last call returned is recorded as well: telnetlib does nothing between calls.
/// </para>
/// </remarks>
internal static class FacadeReplay
{
    private const int MaxSteps = 100_000;

    public static Replayed Run(Scenario scenario)
    {
        var scheduler = new SteppingScheduler();
        var messages = new List<Recorded<Notification<byte[]>>>();
        foreach (var chunk in scenario.Chunks)
        {
            messages.Add(ReactiveTest.OnNext(chunk.At, chunk.Bytes));
        }

        if (scenario.Eof is { } eof)
        {
            messages.Add(ReactiveTest.OnCompleted<byte[]>(eof));
        }

        var transport = new ObservableTransport(scheduler.CreateHotObservable([.. messages]));
        var debug = new StringWriter { NewLine = "\n" };
        using var telnet = new Telnet(transport, scheduler) { DebugOutput = debug, DebugLevel = scenario.Debug ? 1 : 0 };

        var current = 0;
        var sent = new List<(int Call, byte[] Data)>();
        using var sends = transport.Outgoing.Subscribe(data => sent.Add((current, data)));
        var callbacks = new List<CallbackRecord>();
        telnet.SetOptionNegotiationCallback(Callback(telnet, scenario.Callback, callbacks, () => current));

        var longestTimeout = scenario.Calls.Max(static c => c.Timeout ?? 0);
        var records = new List<CallRecord>();
        var debugSeen = 0;
        foreach (var call in scenario.Calls)
        {
            current = records.Count;
            var horizon = Math.Max(scheduler.Clock, scenario.LastArrival) + longestTimeout + 1;
            var result = Perform(telnet, scheduler, call, scenario, callbacks, () => current, horizon);
            var debugText = debug.ToString();
            var lines = scenario.Debug ? Lines(debugText[debugSeen..]) : [];
            debugSeen = debugText.Length;
            records.Add(new CallRecord(result, scheduler.Clock, Sent(sent, current), [.. callbacks.Where(c => c.Call == current)], lines));
            if (result.Pending)
            {
                break;
            }
        }

        var eofFlag = telnet.Eof;

        // telnetlib does nothing after its last call returns: whatever the facade does from here on is a difference.
        current = scenario.Calls.Count;
        if (records.Count == scenario.Calls.Count && scheduler.Clock < scenario.LastArrival + 1)
        {
            scheduler.AdvanceTo(scenario.LastArrival + 1);
        }

        var after = new CallRecord(new CallResult(), scheduler.Clock, Sent(sent, current), [.. callbacks.Where(c => c.Call == current)], []);
        return new Replayed(new Outcome(records, eofFlag), after);
    }

    private static Action<System.Net.Sockets.Socket?, byte, byte>? Callback(
        Telnet telnet, string mode, List<CallbackRecord> log, Func<int> current)
    {
        if (mode == "none")
        {
            return null;
        }

        return (_, command, option) =>
        {
            string? sb = null;
            if (mode == "record_sb" && command == TelnetConstants.SE)
            {
                sb = Convert.ToHexStringLower(telnet.ReadSbData());
            }

            log.Add(new CallbackRecord(current(), command, option, sb));
            if (mode == "reply")
            {
                // The script's own answers, as the Python side sends them through the socket.
                if (command == TelnetConstants.DO)
                {
                    telnet.WriteRaw([TelnetConstants.IAC, option == TelnetConstants.TTYPE ? TelnetConstants.WILL : TelnetConstants.WONT, option]);
                }
                else if (command == TelnetConstants.WILL)
                {
                    telnet.WriteRaw([TelnetConstants.IAC, TelnetConstants.DONT, option]);
                }
            }
        };
    }

    private static CallResult Perform(
        Telnet telnet, SteppingScheduler scheduler, Call call, Scenario scenario, List<CallbackRecord> log, Func<int> current, long horizon)
    {
        TimeSpan? timeout = call.Timeout is { } t ? TimeSpan.FromTicks(t) : null;
        try
        {
            switch (call.Op)
            {
                case "read_until":
                    return Drive(telnet.ReadUntilAsync(Convert.FromHexString(call.Match!), timeout), scheduler, horizon, static b => Bytes(b));
                case "expect":
                    var patterns = call.Patterns!.Select(static p => Encoding.Latin1.GetString(Convert.FromHexString(p))).ToList();
                    return Drive(telnet.ExpectAsync(patterns, timeout), scheduler, horizon, static r => new CallResult(Expect: new ExpectOutcome(
                        r.Index,
                        r.Match is null ? null : Convert.ToHexStringLower(Encoding.Latin1.GetBytes(r.Match.Value)),
                        Convert.ToHexStringLower(r.Data))));
                case "read_some":
                    return Drive(telnet.ReadSomeAsync(), scheduler, horizon, static b => Bytes(b));
                case "read_all":
                    return Drive(telnet.ReadAllAsync(), scheduler, horizon, static b => Bytes(b));
                case "read_very_eager":
                    return Bytes(telnet.ReadVeryEager());
                case "read_eager":
                    return Bytes(telnet.ReadEager());
                case "read_lazy":
                    return Bytes(telnet.ReadLazy());
                case "read_very_lazy":
                    return Bytes(telnet.ReadVeryLazy());
                case "read_sb_data":
                    return Bytes(telnet.ReadSbData());
                case "write":
                    return Drive(telnet.WriteAsync(Convert.FromHexString(call.Data!)), scheduler, horizon);
                case "sleep":
                    scheduler.AdvanceBy(call.Ticks!.Value);
                    return new CallResult();
                case "set_callback":
                    telnet.SetOptionNegotiationCallback(Callback(telnet, call.Mode!, log, current));
                    return new CallResult();
                case "close":
                    telnet.Close();
                    return new CallResult();
                case "msg":
                    telnet.Msg(call.Text!);
                    return new CallResult();
                case "fill_rawq" or "process_rawq" or "sock_avail":
                    return RawqCalls.Perform(telnet, scheduler, call.Op, horizon);
                default:
                    throw new InvalidDataException($"{scenario.Id}: unknown call {call.Op}");
            }
        }
        catch (Exception ex) when (ex is not InvalidDataException)
        {
            return Error(ex);
        }
    }

    internal static CallResult Drive<T>(Task<T> task, SteppingScheduler scheduler, long horizon, Func<T, CallResult> result)
    {
        Step(task, scheduler, horizon);
        if (!task.IsCompleted)
        {
            Abandon(task);
            return new CallResult(Pending: true);
        }

        return task.Status == TaskStatus.RanToCompletion ? result(task.Result) : Error(task.Exception!);
    }

    internal static CallResult Drive(Task task, SteppingScheduler scheduler, long horizon)
    {
        Step(task, scheduler, horizon);
        if (!task.IsCompleted)
        {
            Abandon(task);
            return new CallResult(Pending: true);
        }

        return task.Status == TaskStatus.RanToCompletion ? new CallResult() : Error(task.Exception!);
    }

    private static void Step(Task task, SteppingScheduler scheduler, long horizon)
    {
        var limit = Math.Max(horizon, scheduler.Clock + 1);
        for (var steps = 0; !task.IsCompleted && steps < MaxSteps; steps++)
        {
            if (scheduler.NextDue is not { } next || next > limit)
            {
                return;
            }

            if (next <= scheduler.Clock)
            {
                scheduler.RunDue();
            }
            else
            {
                scheduler.AdvanceTo(next);
            }
        }
    }

    private static void Abandon(Task task) =>
        _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    internal static CallResult Bytes(byte[] data) => new(Bytes: Convert.ToHexStringLower(data));

    private static CallResult Error(Exception ex)
    {
        var inner = ex is AggregateException { InnerExceptions.Count: 1 } aggregate ? aggregate.InnerExceptions[0] : ex;
        return new CallResult(Error: inner.GetType().Name);
    }

    private static string Sent(List<(int Call, byte[] Data)> sent, int call) =>
        Convert.ToHexStringLower([.. sent.Where(s => s.Call == call).SelectMany(static s => s.Data)]);

    private static string[] Lines(string text) =>
        text.Length == 0 ? [] : text.TrimEnd('\n').Split('\n');
}

/// <summary>What the facade did in a scenario: the records telnetlib's are compared with, and what followed the last call.</summary>
internal sealed record Replayed(Outcome Outcome, CallRecord AfterLastCall);

/// <summary>A <see cref="TestScheduler"/> that tells when its next item is due, so a replay can step one tick value at a time.</summary>
internal sealed class SteppingScheduler : TestScheduler
{
    /// <summary>Gets the due time of the next scheduled item that is not cancelled; null when none is left.</summary>
    public long? NextDue => GetNext()?.DueTime;

    /// <summary>Runs the items already due (at or before <see cref="VirtualTimeScheduler{TAbsolute, TRelative}.Clock"/>) without moving the clock.</summary>
    public void RunDue()
    {
        while (GetNext() is { } next && next.DueTime <= Clock)
        {
            next.Invoke();
        }
    }
}
