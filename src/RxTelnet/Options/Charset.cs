namespace RxTelnet.Options;

using System.Diagnostics.CodeAnalysis;
using System.Text;

/// <summary>The subnegotiation codes of RFC 2066 CHARSET.</summary>
public enum CharsetCommand : byte
{
    /// <summary>RFC 2066: offers a list of character sets (<c>REQUEST</c> = 1).</summary>
    Request = 1,

    /// <summary>RFC 2066: accepts one of the offered character sets (<c>ACCEPTED</c> = 2).</summary>
    Accepted = 2,

    /// <summary>RFC 2066: accepts none of them (<c>REJECTED</c> = 3).</summary>
    Rejected = 3,

    /// <summary>RFC 2066: sends a translation table (<c>TTABLE-IS</c> = 4).</summary>
    TTableIs = 4,

    /// <summary>RFC 2066: refuses the translation table (<c>TTABLE-REJECTED</c> = 5).</summary>
    TTableRejected = 5,

    /// <summary>RFC 2066: acknowledges the translation table (<c>TTABLE-ACK</c> = 6).</summary>
    TTableAck = 6,

    /// <summary>RFC 2066: asks for the translation table again (<c>TTABLE-NAK</c> = 7).</summary>
    TTableNak = 7,
}

/// <summary>
/// RFC 2066 CHARSET (option 42): <c>REQUEST ["[TTABLE]" version] sep name sep name ...</c>, answered by
/// <c>ACCEPTED name</c> or <c>REJECTED</c>.
/// </summary>
/// <remarks>
/// Names are IANA character set names in printable 7-bit ASCII, compared without regard to case; the first byte of
/// the list is the separator, which is any byte but IAC and appears in no name. Translation tables (TTABLE-IS) are
/// not decoded: reply <see cref="CharsetCommand.TTableRejected"/> with <see cref="EncodeCommand"/>.
/// </remarks>
public static class Charset
{
    private static readonly byte[] TTableMarker = "[TTABLE]"u8.ToArray();
    private static readonly IReadOnlyList<string> NoNames = Array.Empty<string>();

    /// <summary>Encodes a <c>REQUEST</c> offering <paramref name="names"/> in order of preference.</summary>
    /// <param name="names">The character set names, most preferred first.</param>
    /// <param name="separator">The separator byte, printable ASCII and found in no name.</param>
    /// <param name="translationTableVersion">When not 0, adds <c>[TTABLE]</c> and this highest TTABLE-IS version accepted.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="names"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="names"/> is empty, or a name is empty, not printable ASCII, or holds the separator; or <paramref name="separator"/> is not printable ASCII.</exception>
    public static byte[] EncodeRequest(IEnumerable<string> names, char separator = ';', byte translationTableVersion = 0)
    {
        ArgumentNullException.ThrowIfNull(names);
        if (separator is < ' ' or > '~')
        {
            throw new ArgumentException("The separator is a printable ASCII character.", nameof(separator));
        }

        var buffer = new List<byte> { (byte)CharsetCommand.Request };
        if (translationTableVersion != 0)
        {
            buffer.AddRange(TTableMarker);
            buffer.Add(translationTableVersion);
        }

        var count = 0;
        foreach (var name in names)
        {
            ValidateName(name, nameof(names));
            if (name.Contains(separator, StringComparison.Ordinal))
            {
                throw new ArgumentException($"The character set name \"{name}\" holds the separator '{separator}'.", nameof(names));
            }

            buffer.Add((byte)separator);
            buffer.AddRange(Encoding.ASCII.GetBytes(name));
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("A REQUEST offers at least one character set.", nameof(names));
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a received <c>REQUEST</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="names">The offered names in the peer's order of preference, when valid.</param>
    /// <returns><see langword="false"/> when the payload is not a well-formed REQUEST with at least one name.</returns>
    public static bool TryParseRequest(ReadOnlySpan<byte> payload, out IReadOnlyList<string> names) =>
        TryParseRequest(payload, out names, out _);

    /// <summary>Reads a received <c>REQUEST</c>, including its translation table offer.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="names">The offered names in the peer's order of preference, when valid.</param>
    /// <param name="translationTableVersion">The highest TTABLE-IS version the peer accepts, or 0 without <c>[TTABLE]</c>.</param>
    /// <returns><see langword="false"/> when the payload is not a well-formed REQUEST with at least one name.</returns>
    public static bool TryParseRequest(ReadOnlySpan<byte> payload, out IReadOnlyList<string> names, out byte translationTableVersion)
    {
        names = NoNames;
        translationTableVersion = 0;
        if (payload.IsEmpty || payload[0] != (byte)CharsetCommand.Request)
        {
            return false;
        }

        var list = payload.Slice(1);
        byte version = 0;
        if (list.StartsWith(TTableMarker))
        {
            // RFC 2066: the version octet follows "[TTABLE]" and is never zero.
            if (list.Length <= TTableMarker.Length || list[TTableMarker.Length] == 0)
            {
                return false;
            }

            version = list[TTableMarker.Length];
            list = list.Slice(TTableMarker.Length + 1);
        }

        if (list.Length < 2 || list[0] == 255)
        {
            return false;
        }

        var separator = list[0];
        var result = new List<string>();
        foreach (var range in list.Slice(1).Split(separator))
        {
            var name = list.Slice(1)[range];
            if (name.IsEmpty)
            {
                continue; // tolerate a doubled or trailing separator
            }

            foreach (var b in name)
            {
                if (b is < 0x20 or > 0x7E)
                {
                    return false;
                }
            }

            result.Add(Encoding.ASCII.GetString(name));
        }

        if (result.Count == 0)
        {
            return false;
        }

        // Set only now: a REQUEST rejected after its [TTABLE] offer reports no version either.
        names = result;
        translationTableVersion = version;
        return true;
    }

    /// <summary>Encodes <c>ACCEPTED name</c>.</summary>
    /// <param name="name">One of the names the peer offered, as it spelled it.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or not printable ASCII.</exception>
    public static byte[] EncodeAccepted(string name)
    {
        ValidateName(name, nameof(name));
        var payload = new byte[name.Length + 1];
        payload[0] = (byte)CharsetCommand.Accepted;
        Encoding.ASCII.GetBytes(name, payload.AsSpan(1));
        return payload;
    }

    /// <summary>Reads a received <c>ACCEPTED name</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="name">The accepted name, when valid.</param>
    /// <returns><see langword="false"/> when the payload is not ACCEPTED with a printable ASCII name.</returns>
    public static bool TryParseAccepted(ReadOnlySpan<byte> payload, out string name)
    {
        name = string.Empty;
        if (payload.Length < 2 || payload[0] != (byte)CharsetCommand.Accepted)
        {
            return false;
        }

        foreach (var b in payload.Slice(1))
        {
            if (b is < 0x20 or > 0x7E)
            {
                return false;
            }
        }

        name = Encoding.ASCII.GetString(payload.Slice(1));
        return true;
    }

    /// <summary>Encodes <c>REJECTED</c>.</summary>
    /// <returns>The payload.</returns>
    public static byte[] EncodeRejected() => [(byte)CharsetCommand.Rejected];

    /// <summary>Encodes a command that carries no data: REJECTED, TTABLE-REJECTED, TTABLE-ACK or TTABLE-NAK.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The one-byte payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="command"/> carries data (REQUEST, ACCEPTED, TTABLE-IS) or is undefined.</exception>
    public static byte[] EncodeCommand(CharsetCommand command) => command is CharsetCommand.Rejected or CharsetCommand.TTableRejected or CharsetCommand.TTableAck or CharsetCommand.TTableNak
        ? [(byte)command]
        : throw new ArgumentOutOfRangeException(nameof(command), command, "Only REJECTED, TTABLE-REJECTED, TTABLE-ACK and TTABLE-NAK carry no data.");

    /// <summary>Gets the command code of a received payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="command">The command, when the first byte is a defined code.</param>
    /// <returns><see langword="false"/> for an empty payload or an unknown code.</returns>
    public static bool TryGetCommand(ReadOnlySpan<byte> payload, out CharsetCommand command)
    {
        command = payload.IsEmpty ? default : (CharsetCommand)payload[0];
        return !payload.IsEmpty && command is >= CharsetCommand.Request and <= CharsetCommand.TTableNak;
    }

    /// <summary>
    /// Picks the first name of <paramref name="requested"/> (the peer's preference order) that names one of
    /// <paramref name="supported"/>, matching names, web names and the aliases .NET knows, without regard to case.
    /// </summary>
    /// <param name="requested">The names from a REQUEST.</param>
    /// <param name="supported">The encodings we can use.</param>
    /// <param name="name">The name to send back in ACCEPTED, spelled as the peer spelled it.</param>
    /// <param name="encoding">The matching encoding from <paramref name="supported"/>; <see langword="null"/> when nothing matches.</param>
    /// <returns><see langword="false"/> when nothing matches: answer REJECTED.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requested"/> or <paramref name="supported"/> is null.</exception>
    public static bool TrySelect(IEnumerable<string> requested, IEnumerable<Encoding> supported, out string name, [NotNullWhen(true)] out Encoding? encoding)
        => TrySelect(requested, supported, ResolveAlias, out name, out encoding);

    /// <summary>How many distinct names of one REQUEST are looked up as aliases; names past it still match by name.</summary>
    /// <remarks>.NET resolves an unknown name only by throwing, so a peer's list of thousands of names is not each resolved.</remarks>
    internal const int MaxAliasLookups = 32;

    /// <summary><see cref="TrySelect(IEnumerable{string}, IEnumerable{Encoding}, out string, out Encoding?)"/> with the alias lookup given, so tests can count it.</summary>
    internal static bool TrySelect(IEnumerable<string> requested, IEnumerable<Encoding> supported, Func<string, int> resolveAlias, out string name, [NotNullWhen(true)] out Encoding? encoding)
    {
        ArgumentNullException.ThrowIfNull(requested);
        ArgumentNullException.ThrowIfNull(supported);
        var candidates = supported.Where(e => e is not null).ToArray();
        HashSet<string>? looked = null;
        foreach (var wanted in requested)
        {
            if (string.IsNullOrEmpty(wanted))
            {
                continue;
            }

            encoding = Array.Find(candidates, c =>
                string.Equals(wanted, c.WebName, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(wanted, c.HeaderName, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(wanted, c.BodyName, StringComparison.OrdinalIgnoreCase));
            if (encoding is null)
            {
                // An alias costs a lookup (an exception when unknown): once per distinct name, and only for the first few.
                looked ??= new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                if (looked.Count < MaxAliasLookups && looked.Add(wanted))
                {
                    var alias = resolveAlias(wanted);
                    encoding = alias < 0 ? null : Array.Find(candidates, c => c.CodePage == alias);
                }
            }

            if (encoding is not null)
            {
                name = wanted;
                return true;
            }
        }

        name = string.Empty;
        encoding = null;
        return false;
    }

    /// <summary>Resolves an alias such as <c>latin1</c> or <c>ANSI_X3.4-1968</c> to a code page, or -1.</summary>
    private static int ResolveAlias(string name)
    {
        // .NET offers no TryGetEncoding, so an unknown name costs one caught exception; TrySelect looks up each
        // distinct name once, and no more than MaxAliasLookups of them.
        try
        {
            return Encoding.GetEncoding(name).CodePage;
        }
        catch (ArgumentException)
        {
            return -1;
        }
    }

    private static void ValidateName(string name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (name.Length == 0)
        {
            throw new ArgumentException("A character set name is not empty.", paramName);
        }

        foreach (var c in name)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException($"A character set name is printable ASCII; \"{name}\" is not.", paramName);
            }
        }
    }
}
