namespace RxTelnet.Options;

using System.Text;
using RxTelnet.Internal;

/// <summary>
/// MSSP, the MUD Server Status Protocol (option 70): <c>MSSP_VAR name MSSP_VAL value [MSSP_VAL value ...]</c>
/// repeated, names and values in UTF-8.
/// </summary>
public static class Mssp
{
    /// <summary>The byte that starts a variable name (<c>MSSP_VAR</c>).</summary>
    public const byte Var = 1;

    /// <summary>The byte that starts a value (<c>MSSP_VAL</c>).</summary>
    public const byte Val = 2;

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> EmptyVariables = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Encodes variables with one or more values each.</summary>
    /// <param name="variables">The variables, for example <c>NAME</c> → <c>["My MUD"]</c>.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/> or a name or value in it is null.</exception>
    /// <exception cref="ArgumentException">A name is empty, or a name or value holds NUL, MSSP_VAR or MSSP_VAL, or is not valid UTF-16.</exception>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, IReadOnlyList<string>>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var buffer = new List<byte>();
        foreach (var (name, values) in variables)
        {
            Append(buffer, Var, name, nameof(variables), isName: true);
            if (values is null)
            {
                throw new ArgumentNullException(nameof(variables), $"The values of MSSP variable \"{name}\" are null.");
            }

            foreach (var value in values)
            {
                Append(buffer, Val, value, nameof(variables), isName: false);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Encodes variables with one value each.</summary>
    /// <param name="variables">The variables, for example <c>PLAYERS</c> → <c>"12"</c>.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/> or a name or value in it is null.</exception>
    /// <exception cref="ArgumentException">A name is empty, or a name or value holds NUL, MSSP_VAR or MSSP_VAL, or is not valid UTF-16.</exception>
    public static byte[] Encode(IEnumerable<KeyValuePair<string, string>> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return Encode(variables.Select(v => new KeyValuePair<string, IReadOnlyList<string>>(v.Key, new[] { v.Value })));
    }

    /// <summary>Reads a received MSSP payload.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="variables">Each name with its values in order (a name sent twice collects both lists), when valid.</param>
    /// <returns><see langword="false"/> when the payload does not start with MSSP_VAR or has an empty name.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out IReadOnlyDictionary<string, IReadOnlyList<string>> variables)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        variables = EmptyVariables;
        if (!payload.IsEmpty && payload[0] != Var)
        {
            return false;
        }

        List<string>? current = null;
        while (!payload.IsEmpty)
        {
            var marker = payload[0];
            payload = payload.Slice(1);
            var end = payload.IndexOfAny(Var, Val);
            var text = end < 0 ? payload : payload.Slice(0, end);
            payload = end < 0 ? default : payload.Slice(end);

            if (marker == Var)
            {
                if (text.IsEmpty)
                {
                    return false;
                }

                var name = Encoding.UTF8.GetString(text);
                if (!result.TryGetValue(name, out current))
                {
                    current = [];
                    result.Add(name, current);
                }
            }
            else
            {
                current!.Add(Encoding.UTF8.GetString(text));
            }
        }

        variables = result.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.AsReadOnly(), StringComparer.Ordinal);
        return true;
    }

    private static void Append(List<byte> buffer, byte marker, string text, string paramName, bool isName)
    {
        if (text is null)
        {
            throw new ArgumentNullException(paramName, "An MSSP name or value is null.");
        }

        if (isName && text.Length == 0)
        {
            throw new ArgumentException("An MSSP variable name is not empty.", paramName);
        }

        if (text.AsSpan().IndexOfAny('\0', (char)Var, (char)Val) >= 0)
        {
            throw new ArgumentException($"An MSSP name or value holds no NUL, MSSP_VAR or MSSP_VAL: \"{text}\".", paramName);
        }

        var bytes = StrictUtf8.GetBytes(text, paramName, static t => $"The MSSP name or value \"{t}\" is not valid UTF-16.");
        buffer.Add(marker);
        buffer.AddRange(bytes);
    }
}
