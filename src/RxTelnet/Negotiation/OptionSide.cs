namespace RxTelnet.Negotiation;

/// <summary>Which side of the connection performs an option; every option is negotiated separately for each side.</summary>
public enum OptionSide : byte
{
    /// <summary>We perform the option ("us" in RFC 1143): we send WILL/WONT, the peer sends DO/DONT.</summary>
    Local = 0,

    /// <summary>The peer performs the option ("him" in RFC 1143): we send DO/DONT, the peer sends WILL/WONT.</summary>
    Remote = 1,
}
