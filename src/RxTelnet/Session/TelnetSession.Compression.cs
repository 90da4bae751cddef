namespace RxTelnet.Session;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>MCCP2 and MCCP3: which side compresses what, switched by negotiation.</summary>
public sealed partial class TelnetSession
{
    /// <summary>
    /// Whether the peer's <c>IAC SB <paramref name="option"/> IAC SE</c> starts a compressed stream we inflate: MCCP2
    /// when we agreed that the peer (a server) compresses, MCCP3 when we agreed to it as the server.
    /// </summary>
    private bool AcceptsInboundCompression(TelnetOption option) => option switch
    {
        TelnetOption.Compress2 => IsRemoteEnabled(TelnetOption.Compress2),
        TelnetOption.Compress3 => IsLocalEnabled(TelnetOption.Compress3),
        _ => false,
    };

    /// <summary>
    /// Under <see cref="_negotiationGate"/>, inside a negotiation step: starts compressing what we send when MCCP2 is
    /// agreed with us as the server or MCCP3 with us as the client, and ends it when that option is turned off.
    /// </summary>
    private void OnCompressionChanged(OptionChange change)
    {
        if (change is not ({ Option: TelnetOption.Compress2, Side: OptionSide.Local } or { Option: TelnetOption.Compress3, Side: OptionSide.Remote }))
        {
            return;
        }

        // With the step's own replies first (our WILL or DO), in one write: the marker follows the agreement on the
        // wire, and compression starts right after it. Turning off ends the zlib stream before the step's replies
        // (our WONT or DONT), which the peer must read plain.
        if (change.Enabled)
        {
            var marker = TelnetEncoder.Subnegotiation(change.Option, ReadOnlySpan<byte>.Empty);
            _ = SendQuietlyAsync(_inStep ? TakeStepWrites(marker) : marker, compression: CompressionSwitch.StartAfter);
        }
        else
        {
            _ = SendQuietlyAsync(_inStep ? TakeStepWrites([]) : [], compression: CompressionSwitch.EndBefore);
        }
    }
}
