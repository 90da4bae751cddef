namespace RxTelnet.Tests.Compat.Differential;

using RxTelnet.Compat;

/// <summary>
/// telnetlib's raw-queue calls (<c>fill_rawq</c>, <c>process_rawq</c>, <c>sock_avail</c>) on the facade.
/// </summary>
/// <remarks>
/// The facade does not have them yet, so the scenarios that use them (the rawq family and two CPython cases) are
/// reported as ignored. Build with <c>-p:DefineConstants=TELNETLIB_RAWQ</c> once it has them; the calls below assume
/// <c>Task FillRawqAsync()</c> (one receive, blocking while nothing has arrived), <c>void ProcessRawq()</c> and
/// <c>bool SockAvail()</c>: adapt these three lines to the names the facade ends up with.
/// </remarks>
internal static class RawqCalls
{
#if TELNETLIB_RAWQ
    public const bool Available = true;

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
#else
    public const bool Available = false;

    public static CallResult Perform(Telnet telnet, SteppingScheduler scheduler, string op, long horizon) =>
        throw new RawqUnavailableException(op);
#endif
}

/// <summary>A scenario needs a raw-queue call that this build of the tests does not make (see <see cref="RawqCalls"/>).</summary>
internal sealed class RawqUnavailableException(string op)
    : Exception($"{op} is not called on the facade in this build (define TELNETLIB_RAWQ once the facade has FillRawq/ProcessRawq/SockAvail)");
