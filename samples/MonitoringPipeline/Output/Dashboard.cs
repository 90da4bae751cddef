namespace RxTelnet.Samples.MonitoringPipeline.Output;

using System.Collections.Concurrent;
using System.Globalization;
using RxTelnet.Samples.MonitoringPipeline.Analysis;
using RxTelnet.Samples.MonitoringPipeline.Polling;
using Spectre.Console;
using Spectre.Console.Rendering;

/// <summary>
/// The console view: a live Spectre.Console table on a terminal; on redirected output (CI, a pipe, a file) plain
/// lines instead, since a live display needs cursor movement that a file cannot take.
/// </summary>
public sealed class Dashboard(IReadOnlyList<string> deviceIds, int maxRows = 25)
{
    private readonly ConcurrentDictionary<string, DeviceStatus> _statuses = new();
    private readonly ConcurrentDictionary<string, ConnectionEvent> _connections = new();
    private readonly ConcurrentQueue<Alert> _alerts = new();
    private readonly Dictionary<string, int> _order = deviceIds.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
    private long _alertCount;

    public long AlertCount => Interlocked.Read(ref _alertCount);

    public static bool CanRunLive(bool forcePlain) =>
        !forcePlain && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive && AnsiConsole.Profile.Capabilities.Ansi;

    public void Update(DeviceStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        _statuses[status.DeviceId] = status;
    }

    public void OnConnection(ConnectionEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        _connections[e.DeviceId] = e;
    }

    public void OnAlert(Alert alert, bool print)
    {
        Interlocked.Increment(ref _alertCount);
        _alerts.Enqueue(alert);
        while (_alerts.Count > 8)
        {
            _alerts.TryDequeue(out _);
        }

        if (print)
        {
            Console.WriteLine($"ALERT {alert}");
        }
    }

    /// <summary>Shows the live table until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunLiveAsync(Func<string> footer, CancellationToken stop)
    {
        await AnsiConsole.Live(Render(footer())).AutoClear(false).StartAsync(async ctx =>
        {
            while (!stop.IsCancellationRequested)
            {
                ctx.UpdateTarget(Render(footer()));
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            ctx.UpdateTarget(Render(footer()));
        });
    }

    /// <summary>Prints one summary line every <paramref name="every"/> until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunPlainAsync(Func<string> line, TimeSpan every, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            Console.WriteLine(line());
        }
    }

    public IRenderable Render(string footer)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]RxTelnet monitoring pipeline[/]")
            .AddColumn("Device").AddColumn("State").AddColumn(new TableColumn("Rx").RightAligned())
            .AddColumn(new TableColumn("Tx").RightAligned()).AddColumn(new TableColumn("Errors").RightAligned())
            .AddColumn(new TableColumn("Polls ok/failed").RightAligned()).AddColumn("Last alert");

        var rows = deviceIds
            .Select(id => (Id: id, Status: _statuses.GetValueOrDefault(id)))
            .OrderBy(r => r.Status is { IsUnreachable: true } ? 0 : r.Status is { ConsecutiveFailures: > 0 } ? 1 : r.Status?.LastAlert is not null ? 2 : 3)
            .ThenBy(r => _order[r.Id])
            .ToList();
        foreach (var (id, status) in rows.Take(maxRows))
        {
            table.AddRow(
                Markup.Escape(id),
                State(id, status),
                Rate(status?.RxBytesPerSecond),
                Rate(status?.TxBytesPerSecond),
                (status?.Errors ?? 0).ToString(CultureInfo.InvariantCulture),
                status is null ? "-" : $"{status.Polls - status.Failures - status.Skipped}/{status.Failures}",
                status?.LastAlert is { } alert ? Markup.Escape($"{alert.Time:HH:mm:ss} {alert.Kind} {alert.Interface}") : string.Empty);
        }

        if (rows.Count > maxRows)
        {
            table.AddRow($"[grey]... {rows.Count - maxRows} more[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        var alerts = _alerts.ToArray();
        var recent = alerts.Length == 0 ? "[grey]no alerts yet[/]" : string.Join('\n', alerts.Select(a => Markup.Escape(a.ToString())));
        return new Rows(table, new Markup(recent), new Markup(Markup.Escape(footer)));
    }

    private static string Rate(double? bytesPerSecond) => bytesPerSecond switch
    {
        null => "-",
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1e6:F1} MB/s"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond / 1e3:F1} kB/s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytesPerSecond:F0} B/s"),
    };

    private string State(string id, DeviceStatus? status) => status switch
    {
        { IsUnreachable: true } => "[red]unreachable[/]",
        { ConsecutiveFailures: > 0 } => $"[yellow]failing ({status.ConsecutiveFailures})[/]",
        { LastPoll.IsOk: true } => "[green]up[/]",
        _ => _connections.TryGetValue(id, out var e) && e.Kind == ConnectionEventKind.Connected ? "[green]connected[/]" : "[grey]connecting[/]",
    };
}
