namespace RxTelnet.Negotiation;

/// <summary>The state of one side of one option in the RFC 1143 Q method.</summary>
/// <remarks>
/// Only <see cref="Yes"/> means the option is in effect. RFC 1143 §2: while negotiating (<see cref="WantYes"/>)
/// "any effects of having the option enabled MUST NOT be used"; a side that asked to disable
/// (<see cref="WantNo"/>) has stopped using the option, since a disable request cannot be refused.
/// </remarks>
public enum OptionQState : byte
{
    /// <summary>The option is disabled (the RFC 854 default for every option).</summary>
    No = 0,

    /// <summary>The option is enabled.</summary>
    Yes = 1,

    /// <summary>We sent a disable request (WONT or DONT) and wait for the answer.</summary>
    WantNo = 2,

    /// <summary>We sent an enable request (WILL or DO) and wait for the answer.</summary>
    WantYes = 3,
}
