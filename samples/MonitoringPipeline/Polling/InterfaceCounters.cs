namespace RxTelnet.Samples.MonitoringPipeline.Polling;

/// <summary>One interface's counters as a device reports them.</summary>
public sealed record InterfaceCounters(string Name, bool IsUp, long RxBytes, long TxBytes, long RxErrors, long TxErrors)
{
    public long Errors => RxErrors + TxErrors;
}
