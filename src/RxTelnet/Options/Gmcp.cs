namespace RxTelnet.Options;

using System.Text;
using System.Text.Unicode;
using RxTelnet.Internal;

/// <summary>
/// GMCP, the Generic MUD Communication Protocol (option 201): each subnegotiation is UTF-8 text
/// <c>Package.SubPackage.Message</c>, optionally followed by one space and a JSON value.
/// </summary>
/// <remarks>The JSON is carried as text and not validated: parse it with the JSON library of your choice.</remarks>
public static class Gmcp
{
    /// <summary>Encodes a GMCP message.</summary>
    /// <param name="package">The package and message name, for example <c>Core.Hello</c>; no spaces or control characters.</param>
    /// <param name="json">The JSON value, or <see langword="null"/> (or empty) for a message without data.</param>
    /// <returns>The UTF-8 payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="package"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="package"/> is empty or holds whitespace or control characters, or a string is not valid UTF-16.</exception>
    public static byte[] Encode(string package, string? json = null)
    {
        ArgumentNullException.ThrowIfNull(package);
        if (package.Length == 0)
        {
            throw new ArgumentException("A GMCP package name is not empty.", nameof(package));
        }

        foreach (var c in package)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                throw new ArgumentException($"A GMCP package name has no whitespace or control characters: \"{package}\".", nameof(package));
            }
        }

        // Each string is encoded on its own, so that the exception names the one at fault.
        var name = StrictUtf8.GetBytes(package, nameof(package), static p => $"A GMCP package name is valid UTF-16 (no lone surrogates): \"{p}\".");

        if (string.IsNullOrEmpty(json))
        {
            return name;
        }

        var data = StrictUtf8.GetBytes(json, nameof(json), _ => $"The JSON of GMCP message {package} is valid UTF-16 (no lone surrogates).");

        return [.. name, (byte)' ', .. data];
    }

    /// <summary>Splits a received GMCP payload into the package name and the JSON text.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="package">The package and message name, when valid.</param>
    /// <param name="json">The text after the first space (JSON, not validated), or <see langword="null"/> when there is none.</param>
    /// <returns><see langword="false"/> when the payload is empty, not UTF-8, or starts with a space.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out string package, out string? json)
    {
        package = string.Empty;
        json = null;
        if (payload.IsEmpty || !Utf8.IsValid(payload))
        {
            return false;
        }

        var space = payload.IndexOf((byte)' ');
        if (space == 0)
        {
            return false;
        }

        if (space < 0)
        {
            package = Encoding.UTF8.GetString(payload);
            return true;
        }

        package = Encoding.UTF8.GetString(payload.Slice(0, space));
        json = Encoding.UTF8.GetString(payload.Slice(space + 1));
        return true;
    }
}
