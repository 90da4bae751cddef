namespace RxTelnet.Samples.MonitoringPipeline.Output;

using System.Globalization;
using RxTelnet.Samples.MonitoringPipeline.Analysis;

/// <summary>Writes samples as CSV: one row per interface per successful poll.</summary>
public static class CsvSamples
{
    public const string Header = "time,device,interface,rx_bytes,tx_bytes,rx_errors,tx_errors,rx_bytes_per_s,tx_bytes_per_s";

    /// <summary>Writes the header now and a row for every sampled interface; flushes when the statuses complete.</summary>
    /// <returns>The subscription.</returns>
    public static IDisposable WriteCsv(this IObservable<DeviceStatus> statuses, TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteLine(Header);
        return statuses.Subscribe(
            status =>
            {
                foreach (var sample in status.Sampled)
                {
                    writer.WriteLine(Row(status.DeviceId, sample));
                }
            },
            _ => writer.Flush(),
            writer.Flush);
    }

    public static string Row(string deviceId, InterfaceStatus sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var c = sample.Counters;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{sample.SampledAt.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ},{deviceId},{c.Name},{c.RxBytes},{c.TxBytes},{c.RxErrors},{c.TxErrors},{sample.RxBytesPerSecond:F1},{sample.TxBytesPerSecond:F1}");
    }
}
