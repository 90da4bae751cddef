namespace RxTelnet.Negotiation;

/// <summary>The one-bit request queue of the RFC 1143 Q method, meaningful in the <c>Want*</c> states.</summary>
public enum OptionQueue : byte
{
    /// <summary>No request is queued.</summary>
    Empty = 0,

    /// <summary>
    /// The application asked for the opposite of the negotiation in flight; it is sent once the answer arrives
    /// (RFC 1143 §7: "If we are queueing requests, himq=OPPOSITE").
    /// </summary>
    Opposite = 1,
}
