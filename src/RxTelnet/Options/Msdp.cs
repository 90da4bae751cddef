namespace RxTelnet.Options;

using System.Buffers;
using System.Text;
using RxTelnet.Internal;
using System.Text.Json;

/// <summary>
/// MSDP, the MUD Server Data Protocol (option 69): <c>MSDP_VAR name MSDP_VAL value</c> pairs, where a value is a
/// UTF-8 string, an array (<c>MSDP_ARRAY_OPEN (MSDP_VAL value)* MSDP_ARRAY_CLOSE</c>) or a table
/// (<c>MSDP_TABLE_OPEN (MSDP_VAR name MSDP_VAL value)* MSDP_TABLE_CLOSE</c>), nested. Also the same variables as the
/// JSON of MSDP over GMCP (package <c>MSDP</c>): tables as objects, arrays as arrays, strings as strings.
/// </summary>
public static class Msdp
{
    /// <summary>The byte that starts a name (<c>MSDP_VAR</c>).</summary>
    public const byte Var = 1;

    /// <summary>The byte that starts a value (<c>MSDP_VAL</c>).</summary>
    public const byte Val = 2;

    /// <summary>The byte that opens a table (<c>MSDP_TABLE_OPEN</c>).</summary>
    public const byte TableOpen = 3;

    /// <summary>The byte that closes a table (<c>MSDP_TABLE_CLOSE</c>).</summary>
    public const byte TableClose = 4;

    /// <summary>The byte that opens an array (<c>MSDP_ARRAY_OPEN</c>).</summary>
    public const byte ArrayOpen = 5;

    /// <summary>The byte that closes an array (<c>MSDP_ARRAY_CLOSE</c>).</summary>
    public const byte ArrayClose = 6;

    /// <summary>How deep tables and arrays may nest in a received payload (32): deeper input is rejected, not recursed into.</summary>
    public const int MaxDepth = 32;

    /// <summary>The GMCP package that carries MSDP as JSON (MSDP over GMCP).</summary>
    public const string GmcpPackage = "MSDP";

    /// <summary>Encodes variables as an MSDP payload.</summary>
    /// <param name="variables">The variables, in order.</param>
    /// <returns>The payload (without <c>IAC SB MSDP</c> and <c>IAC SE</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/> or one of them is null.</exception>
    /// <exception cref="ArgumentException">A name is empty, or a name or string holds NUL or a byte 1 to 6, or is not valid UTF-16.</exception>
    public static byte[] Encode(IEnumerable<MsdpVariable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var buffer = new ArrayBufferWriter<byte>();
        foreach (var variable in variables)
        {
            WriteVariable(buffer, variable ?? throw new ArgumentNullException(nameof(variables), "An MSDP variable is null."), nameof(variables), nameof(variables));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Encodes one variable; see <see cref="Encode(IEnumerable{MsdpVariable})"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="value">The value.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="value"/> is null, or a value inside a table is.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty, or a name or string holds NUL or a byte 1 to 6, or is not valid UTF-16 (named after the argument that holds it).</exception>
    public static byte[] Encode(string name, MsdpValue value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        var buffer = new ArrayBufferWriter<byte>();
        WriteVariable(buffer, new MsdpVariable(name, value), nameof(name), nameof(value));
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Encodes a command as MSDP's standard commands take it: <c>VAR command VAL name [VAL name ...]</c> (LIST, REPORT,
    /// UNREPORT, SEND, RESET).
    /// </summary>
    /// <param name="command">The command, for example <c>REPORT</c>.</param>
    /// <param name="names">Its arguments, for example the variables to report; at least one.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException">An argument or a name is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="command"/> is empty, <paramref name="names"/> is empty, or a string holds NUL or a byte 1 to 6.</exception>
    public static byte[] EncodeCommand(string command, IReadOnlyList<string> names) => EncodeCommand(command, names, nameof(names));

    /// <summary>Encodes a command; errors in <paramref name="names"/> name <paramref name="parameter"/>, the caller's own argument.</summary>
    internal static byte[] EncodeCommand(string command, IReadOnlyList<string> names, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(command);
        ArgumentNullException.ThrowIfNull(names, parameter);
        if (names.Count == 0)
        {
            throw new ArgumentException($"MSDP {command} needs at least one name.", parameter);
        }

        var buffer = new ArrayBufferWriter<byte>();
        buffer.Write([Var]);
        WriteString(buffer, command, nameof(command));
        foreach (var name in names)
        {
            buffer.Write([Val]);
            WriteString(buffer, name ?? throw new ArgumentNullException(parameter, $"A name given to MSDP {command} is null."), parameter);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Reads a received MSDP payload. Never throws: hostile input is rejected.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="variables">The variables in order, when valid. A name followed by several values holds them as an array; a name without a value holds an empty string.</param>
    /// <returns><see langword="false"/> when the payload does not start with MSDP_VAR, a name is empty, a table or array is not closed or closed by the wrong byte, the nesting passes <see cref="MaxDepth"/>, or a string is not UTF-8.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out IReadOnlyList<MsdpVariable> variables)
    {
        var reader = new Reader(payload);
        var list = new List<MsdpVariable>();
        variables = list;
        if (payload.IsEmpty)
        {
            return true;
        }

        while (!reader.AtEnd)
        {
            if (!reader.TryReadVariable(0, out var variable))
            {
                variables = [];
                return false;
            }

            list.Add(variable);
        }

        return true;
    }

    /// <summary>Writes variables as the JSON object MSDP over GMCP carries: <c>{"NAME": value, ...}</c>.</summary>
    /// <param name="variables">The variables, in order.</param>
    /// <returns>The JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/>, one of them or a variable's value is null.</exception>
    public static string ToJson(IEnumerable<MsdpVariable> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var variable in variables)
            {
                ArgumentNullException.ThrowIfNull(variable, nameof(variables));
                if (variable.Value is null)
                {
                    throw new ArgumentNullException(nameof(variables), $"The value of MSDP variable \"{variable.Name}\" is null.");
                }

                json.WritePropertyName(variable.Name);
                WriteJson(json, variable.Value);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Reads the JSON of MSDP over GMCP. Never throws: invalid JSON, or JSON that is not an object, is rejected.</summary>
    /// <param name="json">The JSON text after the package name.</param>
    /// <param name="variables">The object's members in order: objects as tables, arrays as arrays, anything else as its text (numbers and booleans as written, null as empty).</param>
    /// <returns>Whether <paramref name="json"/> was a JSON object nested no deeper than <see cref="MaxDepth"/>.</returns>
    public static bool TryParseJson(string? json, out IReadOnlyList<MsdpVariable> variables)
    {
        variables = [];
        if (string.IsNullOrEmpty(json))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth + 1 });
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return false;
            }

            variables = [.. document.RootElement.EnumerateObject().Select(static p => new MsdpVariable(p.Name, FromJson(p.Value)))];
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape (\ud800) passes the parse and fails only when the string is read.
            return false;
        }
    }

    private static MsdpValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => MsdpValue.TableOf(element.EnumerateObject().Select(static p => new MsdpVariable(p.Name, FromJson(p.Value)))),
        JsonValueKind.Array => MsdpValue.ArrayOf(element.EnumerateArray().Select(FromJson)),
        JsonValueKind.String => MsdpValue.Of(element.GetString()!),
        JsonValueKind.Null => MsdpValue.Of(string.Empty),
        _ => MsdpValue.Of(element.GetRawText()),
    };

    private static void WriteJson(Utf8JsonWriter json, MsdpValue value)
    {
        switch (value.Kind)
        {
            case MsdpValueKind.Text:
                json.WriteStringValue(value.Text);
                break;
            case MsdpValueKind.Array:
                json.WriteStartArray();
                foreach (var item in value.Items)
                {
                    WriteJson(json, item);
                }

                json.WriteEndArray();
                break;
            default:
                json.WriteStartObject();
                foreach (var field in value.Fields)
                {
                    json.WritePropertyName(field.Name);
                    WriteJson(json, field.Value);
                }

                json.WriteEndObject();
                break;
        }
    }

    /// <summary>Writes <c>VAR name VAL value</c>; a bad name is reported as <paramref name="nameParameter"/>'s, anything in the value as <paramref name="valueParameter"/>'s.</summary>
    private static void WriteVariable(ArrayBufferWriter<byte> buffer, MsdpVariable variable, string nameParameter, string valueParameter)
    {
        if (string.IsNullOrEmpty(variable.Name))
        {
            throw new ArgumentException("An MSDP variable name must not be empty.", nameParameter);
        }

        buffer.Write([Var]);
        WriteString(buffer, variable.Name, nameParameter);
        buffer.Write([Val]);
        WriteValue(buffer, variable.Value ?? throw new ArgumentNullException(valueParameter, $"The value of MSDP variable \"{variable.Name}\" is null."), valueParameter);
    }

    private static void WriteValue(ArrayBufferWriter<byte> buffer, MsdpValue value, string parameter)
    {
        switch (value.Kind)
        {
            case MsdpValueKind.Text:
                WriteString(buffer, value.Text, parameter);
                break;
            case MsdpValueKind.Array:
                buffer.Write([ArrayOpen]);
                foreach (var item in value.Items)
                {
                    buffer.Write([Val]);
                    WriteValue(buffer, item, parameter);
                }

                buffer.Write([ArrayClose]);
                break;
            default:
                buffer.Write([TableOpen]);
                foreach (var field in value.Fields)
                {
                    WriteVariable(buffer, field, parameter, parameter);
                }

                buffer.Write([TableClose]);
                break;
        }
    }

    private static void WriteString(ArrayBufferWriter<byte> buffer, string text, string parameter)
    {
        var bytes = StrictUtf8.GetBytes(text, parameter, static t => $"The MSDP string \"{t}\" is not valid UTF-16.");

        if (bytes.AsSpan().IndexOfAnyInRange((byte)0, ArrayClose) is var at and >= 0)
        {
            throw new ArgumentException($"The MSDP string \"{text}\" holds byte {bytes[at]} at {at}; NUL and the MSDP markers 1 to 6 cannot be sent.", parameter);
        }

        buffer.Write(bytes);
    }

    /// <summary>A cursor over a payload: recursive descent, depth-limited, never throws.</summary>
    private ref struct Reader(ReadOnlySpan<byte> payload)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;
        private int _at;

        public readonly bool AtEnd => _at >= _payload.Length;

        private readonly byte Peek => _payload[_at];

        /// <summary>Reads <c>VAR name (VAL value)*</c>.</summary>
        public bool TryReadVariable(int depth, out MsdpVariable variable)
        {
            variable = null!;
            if (AtEnd || Peek != Var)
            {
                return false;
            }

            _at++;
            if (!TryReadString(out var name) || name.Length == 0)
            {
                return false;
            }

            var values = new List<MsdpValue>(1);
            while (!AtEnd && Peek == Val)
            {
                _at++;
                if (!TryReadValue(depth, out var value))
                {
                    return false;
                }

                values.Add(value);
            }

            variable = new MsdpVariable(name, values.Count switch
            {
                0 => MsdpValue.Of(string.Empty),
                1 => values[0],
                _ => MsdpValue.ArrayOf(values),
            });
            return true;
        }

        /// <summary>Reads what follows a VAL: a string, a table or an array.</summary>
        private bool TryReadValue(int depth, out MsdpValue value)
        {
            value = null!;
            if (!AtEnd && Peek is TableOpen or ArrayOpen)
            {
                if (depth >= MaxDepth)
                {
                    return false;
                }

                var open = Peek;
                _at++;
                if (open == TableOpen)
                {
                    var fields = new List<MsdpVariable>();
                    while (!AtEnd && Peek == Var)
                    {
                        if (!TryReadVariable(depth + 1, out var field))
                        {
                            return false;
                        }

                        fields.Add(field);
                    }

                    if (AtEnd || Peek != TableClose)
                    {
                        return false;
                    }

                    _at++;
                    value = MsdpValue.TableOf(fields);
                    return true;
                }

                var items = new List<MsdpValue>();
                while (!AtEnd && Peek == Val)
                {
                    _at++;
                    if (!TryReadValue(depth + 1, out var item))
                    {
                        return false;
                    }

                    items.Add(item);
                }

                if (AtEnd || Peek != ArrayClose)
                {
                    return false;
                }

                _at++;
                value = MsdpValue.ArrayOf(items);
                return true;
            }

            if (!TryReadString(out var text))
            {
                return false;
            }

            value = MsdpValue.Of(text);
            return true;
        }

        private bool TryReadString(out string text)
        {
            var rest = _payload[_at..];
            var end = rest.IndexOfAnyInRange(Var, ArrayClose);
            var bytes = end < 0 ? rest : rest[..end];
            _at += bytes.Length;
            try
            {
                text = StrictUtf8.Encoding.GetString(bytes);
                return true;
            }
            catch (DecoderFallbackException)
            {
                text = string.Empty;
                return false;
            }
        }
    }
}
