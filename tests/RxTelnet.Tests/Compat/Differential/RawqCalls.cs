namespace RxTelnet.Tests.Compat.Differential;

using RxTelnet.Compat;

/// <summary>
/// telnetlib's raw-queue calls (<c>fill_rawq</c>, <c>process_rawq</c>, <c>sock_avail</c>) on the facade:
/// <see cref="Telnet.FillRawqAsync"/> (one receive, blocking while nothing has arrived), <see cref="Telnet.ProcessRawq"/>
/// and <see cref="Telnet.SockAvail"/>.
/// </summary>
internal static class RawqCalls
{
    public static CallResult Perform(Telnet telnet, SteppingScheduler scheduler, string op, long horizon)
    {
        switch (op)
        {
            case "fill_rawq":
                return FacadeReplay.Drive(telnet.FillRawqAsync(), scheduler, horizon);
            case "process_rawq":
                telnet.ProcessRawq();
                return new CallResult();
            default:
                return new CallResult(Bool: telnet.SockAvail());
        }
    }
}
