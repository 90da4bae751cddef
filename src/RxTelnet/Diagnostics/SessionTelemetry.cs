namespace RxTelnet.Diagnostics;

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>
/// One session's logging (and metrics): the loggers of its categories, its id in log lines and its byte counts.
/// Every method is cheap when nothing listens: a level check or an instrument's enabled check.
/// </summary>
internal sealed class SessionTelemetry
{
    private static long s_nextId;
    private long _received;
    private long _sent;
    private int _opened;

    public SessionTelemetry(TelnetSessionOptions options)
    {
        Id = Interlocked.Increment(ref s_nextId);
        var factory = options.LoggerFactory;
        SessionLog = factory.CreateLogger(TelnetDiagnostics.SessionCategory);
        NegotiationLog = factory.CreateLogger(TelnetDiagnostics.NegotiationCategory);
        Metrics = TelnetMetrics.For(options.MeterFactory);
    }

    public TelnetMetrics Metrics { get; }

    /// <summary>Gets the number log lines call the session by: unique in the process.</summary>
    public long Id { get; }

    public ILogger SessionLog { get; }

    public ILogger NegotiationLog { get; }

    /// <summary>Gets or sets whether the session is a listener's (the server side).</summary>
    public bool IsServer { get; set; }

    public string Side => IsServer ? "server" : "client";

    private KeyValuePair<string, object?> SideTag => new(TelnetDiagnostics.SideTag, Side);

    public void Opened(System.Net.Sockets.Socket? socket)
    {
        if (Interlocked.Exchange(ref _opened, 1) != 0)
        {
            return;
        }

        Metrics.SessionOpened.Add(1, SideTag);
        Metrics.SessionActive.Add(1, SideTag);
        if (SessionLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.SessionOpened(SessionLog, Id, Side, EndPoints.Local(socket), EndPoints.Remote(socket));
        }
    }

    public void Closed(TelnetCloseReason reason, Exception? error)
    {
        if (Volatile.Read(ref _opened) == 0)
        {
            return;
        }

        Metrics.SessionActive.Add(-1, SideTag);
        Metrics.SessionClosed.Add(1, SideTag, new KeyValuePair<string, object?>(TelnetDiagnostics.CloseReasonTag, CloseReasonName(reason)));

        TelnetLog.SessionClosed(SessionLog, Id, CloseReasonName(reason), Interlocked.Read(ref _received), Interlocked.Read(ref _sent), error);
    }

    public void Received(ReadOnlySpan<byte> chunk)
    {
        Interlocked.Add(ref _received, chunk.Length);
        if (Metrics.BytesReceived.Enabled)
        {
            Metrics.BytesReceived.Add(chunk.Length, SideTag);
        }

        if (SessionLog.IsEnabled(LogLevel.Trace))
        {
            TelnetLog.BytesReceived(SessionLog, Id, chunk.Length, Convert.ToHexString(chunk));
        }
    }

    public void Sent(byte[] wire)
    {
        Interlocked.Add(ref _sent, wire.Length);
        if (Metrics.BytesSent.Enabled)
        {
            Metrics.BytesSent.Add(wire.Length, SideTag);
        }

        if (SessionLog.IsEnabled(LogLevel.Trace))
        {
            TelnetLog.BytesSent(SessionLog, Id, wire.Length, Convert.ToHexString(wire));
        }
    }

    public void Negotiation(TelnetCommand command, NegotiationOutcome outcome)
    {
        if (Metrics.Negotiations.Enabled)
        {
            Metrics.Negotiations.Add(
                1,
                new KeyValuePair<string, object?>(TelnetDiagnostics.OptionTag, OptionName(outcome.Option)),
                new KeyValuePair<string, object?>(TelnetDiagnostics.VerbTag, VerbName(command.Verb)),
                SideTag);
        }

        if (NegotiationLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.Negotiation(
                NegotiationLog,
                Id,
                VerbName(command.Verb),
                OptionName(outcome.Option),
                outcome.Side == OptionSide.Local ? "local" : "remote",
                outcome.Before.ToString(),
                outcome.After.ToString(),
                outcome.Error == NegotiationError.None ? string.Empty : $" ({outcome.Error})");
        }
    }

    public void OptionChanged(OptionChange change)
    {
        if (NegotiationLog.IsEnabled(LogLevel.Debug))
        {
            TelnetLog.OptionChanged(NegotiationLog, Id, OptionName(change.Option), change.Enabled ? "enabled" : "disabled", change.Side == OptionSide.Local ? "local" : "remote");
        }
    }

    public void ProtocolWarning(TelnetWarning warning)
    {
        Metrics.ProtocolWarnings.Add(1, new KeyValuePair<string, object?>(TelnetDiagnostics.WarningTag, warning.Kind.ToString()), SideTag);
        TelnetLog.ProtocolWarning(SessionLog, Id, warning.Kind.ToString(), warning.Message);
    }

    public void LimitHit(TelnetBufferLimitExceededException limit)
    {
        var name = limit.LimitName ?? "unknown";
        Metrics.LimitHits.Add(1, new KeyValuePair<string, object?>(TelnetDiagnostics.LimitTag, name), SideTag);
        TelnetLog.LimitHit(SessionLog, Id, name, limit.Limit, limit.Attempted);
    }

    /// <summary>
    /// Logs the start of a START-TLS handshake and starts its span, without making the span the current activity of
    /// the receive loop that calls this (it runs on for the whole session).
    /// </summary>
    public (long Started, Activity? Activity) StartTlsStarted(bool asServer)
    {
        TelnetLog.StartTlsStarted(NegotiationLog, Id, asServer ? "server" : "client");
        var previous = Activity.Current;
        var activity = TelnetDiagnostics.ActivitySource.StartActivity(TelnetDiagnostics.StartTlsActivityName, ActivityKind.Internal);
        Activity.Current = previous;
        activity?.SetTag(TelnetDiagnostics.SideTag, Side);
        return (Stopwatch.GetTimestamp(), activity);
    }

    public void StartTlsEnded((long Started, Activity? Activity) handshake, Exception? error)
    {
        var elapsed = Stopwatch.GetElapsedTime(handshake.Started);
        var errorType = error is null ? null : ConnectTelemetry.ErrorType(error);
        if (errorType is null)
        {
            Metrics.StartTlsDuration.Record(elapsed.TotalSeconds, SideTag);
        }
        else
        {
            Metrics.StartTlsDuration.Record(elapsed.TotalSeconds, SideTag, new KeyValuePair<string, object?>(TelnetDiagnostics.ErrorTypeTag, errorType));
        }

        if (handshake.Activity is { } activity)
        {
            if (errorType is not null)
            {
                activity.SetTag(TelnetDiagnostics.ErrorTypeTag, errorType);
                activity.SetStatus(ActivityStatusCode.Error, error!.Message);
            }

            var previous = Activity.Current;
            activity.Stop();
            Activity.Current = previous;
        }

        if (error is null)
        {
            TelnetLog.StartTlsCompleted(NegotiationLog, Id, elapsed.TotalMilliseconds);
        }
        else
        {
            TelnetLog.StartTlsFailed(NegotiationLog, Id, elapsed.TotalMilliseconds, errorType!, error);
        }
    }

    /// <summary>The close reason as the <see cref="TelnetDiagnostics.CloseReasonTag"/> value: snake case.</summary>
    public static string CloseReasonName(TelnetCloseReason reason) => reason switch
    {
        TelnetCloseReason.LocalClose => "local_close",
        TelnetCloseReason.RemoteClose => "remote_close",
        TelnetCloseReason.TransportError => "transport_error",
        TelnetCloseReason.BufferLimitExceeded => "buffer_limit_exceeded",
        TelnetCloseReason.DeadPeer => "dead_peer",
        TelnetCloseReason.SendLimitExceeded => "send_limit_exceeded",
        _ => "none",
    };

    public static string VerbName(TelnetVerb verb) => verb switch
    {
        TelnetVerb.Do => "do",
        TelnetVerb.Dont => "dont",
        TelnetVerb.Will => "will",
        TelnetVerb.Wont => "wont",
        _ => ((byte)verb).ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The option's name, or its number when it has none (so the tag's values stay at most 256).</summary>
    public static string OptionName(TelnetOption option) =>
        Enum.IsDefined(option) ? option.ToString() : ((byte)option).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
