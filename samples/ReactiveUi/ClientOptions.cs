namespace RxTelnet.Samples.ReactiveUi;

using System.Reactive.Concurrency;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>The session options of the terminal: what a line-mode client with a plain text pane agrees to.</summary>
public static class ClientOptions
{
    /// <summary>Creates the options.</summary>
    /// <param name="scheduler">The session's time source; the default one when null.</param>
    /// <param name="windowSizes">The output pane's size, reported with NAWS when the server asks; NAWS is refused when null.</param>
    /// <returns>Options that let the server echo and suppress go-ahead, and send NAWS and a DUMB terminal type when asked.</returns>
    public static TelnetSessionOptions Create(IScheduler? scheduler = null, IObservable<WindowSize>? windowSizes = null)
    {
        var policy = TelnetOptionPolicy.RefuseAll
            .AllowRemote(TelnetOption.Echo, TelnetOption.SuppressGoAhead)
            .AllowLocal(TelnetOption.SuppressGoAhead, TelnetOption.TerminalType);
        if (windowSizes is not null)
        {
            policy = policy.AllowLocal(TelnetOption.Naws);
        }

        return new TelnetSessionOptions
        {
            Policy = policy,
            Scheduler = scheduler ?? TelnetSchedulers.TimeBasedOperations,
            Encoding = Encoding.UTF8,
            // The pane shows plain text, so ask servers not to paint: escapes that still come are stripped.
            TerminalTypes = ["DUMB"],
            WindowSizes = windowSizes,

            // The view binds to the hot streams and never reads sequentially: queue nothing, so a long session
            // neither fills the read queue nor pauses.
            QueueForReads = false,
        };
    }
}
