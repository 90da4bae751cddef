namespace RxTelnet.Benchmarks;

using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

/// <summary>Adds the throughput columns to benchmarks whose one operation is one pass over the whole input.</summary>
public sealed class ThroughputConfig : ManualConfig
{
    public ThroughputConfig()
    {
        // The generated benchmark project is built while other work shares the cores: allow it more than the default 2 minutes.
        WithBuildTimeout(TimeSpan.FromMinutes(10));
        AddColumn(new ThroughputColumn(), new MemcpyRatioColumn(), new AllocatedPerChunkColumn());
    }

    /// <summary>Gets the median of a case in nanoseconds, or null when it did not run.</summary>
    internal static double? Median(Summary summary, BenchmarkCase benchmarkCase) =>
        summary[benchmarkCase]?.ResultStatistics?.Median;
}

/// <summary>MB/s (10^6 bytes per second) of wire bytes, from the median time of one 64 MiB pass.</summary>
public sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "MB/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Wire bytes per second over one pass (10^6 bytes/s, from the median)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        ThroughputConfig.Median(summary, benchmarkCase) is { } ns and > 0
            ? (TelnetInput.DefaultTotalBytes / ns * 1e3).ToString("N0", CultureInfo.InvariantCulture)
            : "NA";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;
}

/// <summary>Throughput as a share of the memcpy baseline with the same parameters, in the same run (PERFORMANCE.md's ratio).</summary>
public sealed class MemcpyRatioColumn : IColumn
{
    public string Id => nameof(MemcpyRatioColumn);

    public string ColumnName => "xMemcpy";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Throughput over the memcpy baseline's throughput, same parameters, same run (medians)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        return baseline is not null
            && ThroughputConfig.Median(summary, baseline) is { } baseNs
            && ThroughputConfig.Median(summary, benchmarkCase) is { } ns and > 0
            ? (baseNs / ns).ToString("0.000", CultureInfo.InvariantCulture)
            : "NA";
    }

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;
}

/// <summary>Bytes allocated per 64 KiB chunk: allocated bytes per pass over the number of chunks.</summary>
public sealed class AllocatedPerChunkColumn : IColumn
{
    private const int Chunks = TelnetInput.DefaultTotalBytes / TelnetInput.DefaultChunkSize;

    public string Id => nameof(AllocatedPerChunkColumn);

    public string ColumnName => "B/chunk";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Managed bytes allocated per 64 KiB chunk (allocated per pass / 1024)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.GcStats.GetBytesAllocatedPerOperation(benchmarkCase) is { } bytes
            ? ((double)bytes / Chunks).ToString("0.00", CultureInfo.InvariantCulture)
            : "NA";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public override string ToString() => ColumnName;
}
