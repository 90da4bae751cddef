namespace RxTelnet.Negotiation;

using RxTelnet.Protocol;

/// <summary>One side of an option became enabled or disabled.</summary>
/// <param name="Option">The option.</param>
/// <param name="Side">Which side performs it.</param>
/// <param name="Enabled"><see langword="true"/> when the side entered <see cref="OptionQState.Yes"/>; <see langword="false"/> when it left it.</param>
public readonly record struct OptionChange(TelnetOption Option, OptionSide Side, bool Enabled);
