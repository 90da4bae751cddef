namespace RxTelnet.Negotiation;

using RxTelnet.Protocol;

/// <summary>What one call to the <see cref="Negotiator"/> did to the state of one side of one option.</summary>
/// <param name="Option">The option concerned.</param>
/// <param name="Side">The side concerned.</param>
/// <param name="Before">The state before the call.</param>
/// <param name="After">The state after the call.</param>
/// <param name="Error">The RFC 1143 error case met, if any.</param>
/// <remarks>
/// A refusal shows as <see cref="Before"/> = <see cref="OptionQState.WantYes"/> and <see cref="After"/> =
/// <see cref="OptionQState.No"/>. Raise <see cref="Change"/> only after the replies of the same call were written,
/// so that, for example, <c>WILL NAWS</c> goes out before the <c>SB NAWS</c> a handler sends when it sees NAWS enabled.
/// </remarks>
public readonly record struct NegotiationOutcome(TelnetOption Option, OptionSide Side, OptionQState Before, OptionQState After, NegotiationError Error)
{
    /// <summary>Gets the change to report, when the side entered or left <see cref="OptionQState.Yes"/>; otherwise <see langword="null"/>.</summary>
    public OptionChange? Change =>
        (Before == OptionQState.Yes) == (After == OptionQState.Yes) ? null : new OptionChange(Option, Side, After == OptionQState.Yes);
}
