namespace RxTelnet.Protocol;

/// <summary>How <see cref="TelnetParser"/> cooks the stream and what it bounds.</summary>
public sealed record class TelnetParserOptions
{
    /// <summary>The default limit for one subnegotiation payload: 64 KiB.</summary>
    public const int DefaultMaxSubnegotiationLength = 64 * 1024;

    private readonly int _maxSubnegotiationLength = DefaultMaxSubnegotiationLength;

    /// <summary>Gets the default options: CR NUL collapsed to CR, NUL and 0x11 kept, 64 KiB subnegotiation limit.</summary>
    public static TelnetParserOptions Default { get; } = new();

    /// <summary>
    /// Gets options that cook exactly as Python's telnetlib does: NUL and 0x11 dropped everywhere, subnegotiation
    /// payloads included (so CR NUL becomes CR as a consequence).
    /// </summary>
    public static TelnetParserOptions Telnetlib { get; } = new() { TelnetlibCooking = true, CollapseCrNul = false };

    /// <summary>
    /// Gets the largest subnegotiation payload kept, in bytes after unescaping. A longer one is discarded up to
    /// its <c>IAC SE</c> and reported once as <see cref="TelnetWarningKind.SubnegotiationTooLong"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int MaxSubnegotiationLength
    {
        get => _maxSubnegotiationLength;
        init => _maxSubnegotiationLength = value >= 1
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxSubnegotiationLength), value, "The subnegotiation limit must be at least 1 byte.");
    }

    /// <summary>Gets whether CR NUL in the data stream becomes CR (RFC 854 NVT rule). Defaults to <see langword="true"/>.</summary>
    public bool CollapseCrNul { get; init; } = true;

    /// <summary>
    /// Gets whether NUL (0x00) and DC1 (0x11) bytes are dropped everywhere, including subnegotiation payloads,
    /// as telnetlib's <c>process_rawq</c> does. Defaults to <see langword="false"/>.
    /// </summary>
    public bool TelnetlibCooking { get; init; }
}
