namespace RxTelnet.Samples.FleetCluster.Collecting;

using System.Globalization;

/// <summary>
/// Writes every result as a CSV row, and every gap as a row of its own (<c>status</c> = <c>Gap</c>, <c>sequence</c> =
/// the first missing number, <c>missing</c> = how many), so a reader of the file sees what never arrived.
/// </summary>
public static class CsvResults
{
    public const string Header = "device,sequence,missing,silo,scheduled,completed,status,interfaces,rx_bytes,tx_bytes,errors,error";

    /// <summary>The default file: a fresh name in the system's temporary folder.</summary>
    public static string DefaultPath() =>
        Path.Combine(Path.GetTempPath(), "fleetcluster", $"polls-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv");

    /// <summary>Writes the header, then one or two rows per entry; the subscription ends with <paramref name="entries"/>.</summary>
    public static IDisposable WriteTo(this IObservable<LedgerEntry> entries, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Header);
        return entries.Subscribe(e =>
        {
            foreach (var row in Rows(e))
            {
                writer.WriteLine(row);
            }
        });
    }

    /// <summary>The rows for one entry: a gap row first if it revealed one; nothing for a duplicate but a row saying so.</summary>
    public static IEnumerable<string> Rows(LedgerEntry entry)
    {
        var r = entry.Result;
        if (entry.Verdict == LedgerVerdict.AfterGap)
        {
            yield return string.Join(',', Quote(r.DeviceId), Num(entry.MissingFrom), Num(entry.Missing), string.Empty, string.Empty, string.Empty, "Gap", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        // A late result keeps its own status; its number sits inside the gap row written before it.
        var status = entry.Verdict == LedgerVerdict.Duplicate ? "Duplicate" : r.Status.ToString();
        yield return string.Join(
            ',',
            Quote(r.DeviceId),
            Num(r.Sequence),
            "0",
            Quote(r.Silo),
            r.Scheduled.ToString("O", CultureInfo.InvariantCulture),
            r.Completed.ToString("O", CultureInfo.InvariantCulture),
            status,
            Num(r.Interfaces),
            Num(r.RxBytes),
            Num(r.TxBytes),
            Num(r.Errors),
            Quote(r.Error ?? string.Empty));
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
