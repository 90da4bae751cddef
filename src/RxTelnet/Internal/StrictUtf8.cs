namespace RxTelnet.Internal;

using System.Text;

/// <summary>UTF-8 that refuses what it cannot represent, so that text for the wire is never silently turned into U+FFFD.</summary>
internal static class StrictUtf8
{
    /// <summary>The encoding: no byte order mark; throws on a lone surrogate when encoding and on invalid bytes when decoding.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes <paramref name="text"/>; text that is not valid UTF-16 is an argument error.</summary>
    /// <param name="text">The text.</param>
    /// <param name="parameter">The caller's argument that holds the text, named by the exception.</param>
    /// <param name="describe">Makes the exception's message from the text (called only on failure).</param>
    /// <returns>The UTF-8 bytes.</returns>
    /// <exception cref="ArgumentException"><paramref name="text"/> holds a lone surrogate.</exception>
    public static byte[] GetBytes(string text, string parameter, Func<string, string> describe)
    {
        try
        {
            return Encoding.GetBytes(text);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException(describe(text), parameter, ex);
        }
    }
}
