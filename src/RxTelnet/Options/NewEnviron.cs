namespace RxTelnet.Options;

using System.Text;

/// <summary>The subnegotiation commands of RFC 1572 NEW-ENVIRON.</summary>
public enum NewEnvironCommand : byte
{
    /// <summary>RFC 1572: the variables asked for by a <c>SEND</c> (<c>IS</c> = 0).</summary>
    Is = 0,

    /// <summary>RFC 1572: a request for variables (<c>SEND</c> = 1).</summary>
    Send = 1,

    /// <summary>RFC 1572: variables that changed, sent unasked (<c>INFO</c> = 2).</summary>
    Info = 2,
}

/// <summary>The two kinds of RFC 1572 environment variables.</summary>
public enum NewEnvironVariableType : byte
{
    /// <summary>A well-known variable such as <c>USER</c> or <c>DISPLAY</c> (<c>VAR</c> = 0).</summary>
    Var = 0,

    /// <summary>A user-defined variable (<c>USERVAR</c> = 3).</summary>
    UserVar = 3,
}

/// <summary>One environment variable of an <c>IS</c> or <c>INFO</c>.</summary>
/// <param name="Type">Well-known or user-defined.</param>
/// <param name="Name">The name.</param>
/// <param name="Value">The value; <see langword="null"/> for a variable that is not defined (sent without <c>VALUE</c>), empty for one defined as empty.</param>
public readonly record struct NewEnvironVariable(NewEnvironVariableType Type, string Name, string? Value);

/// <summary>One entry of a <c>SEND</c>.</summary>
/// <param name="Type">Well-known or user-defined.</param>
/// <param name="Name">The variable asked for, or <see langword="null"/> for every variable of <paramref name="Type"/>.</param>
public readonly record struct NewEnvironRequest(NewEnvironVariableType Type, string? Name);

/// <summary>
/// RFC 1572 NEW-ENVIRON (option 39): <c>SEND [type [name]] ...</c> asks for variables; <c>IS</c> and <c>INFO</c>
/// carry <c>type name [VALUE value]</c> lists. Inside names and values the bytes VAR, VALUE, ESC and USERVAR are
/// escaped with ESC; IAC is escaped by the framing.
/// </summary>
/// <remarks>
/// Text is UTF-8 (ASCII names are the usual case). RFC 1572 §7 warns that some old implementations swapped VAR and
/// VALUE; this codec follows the RFC and does not guess.
/// </remarks>
public static class NewEnviron
{
    /// <summary>Starts a well-known variable name (<c>VAR</c>).</summary>
    public const byte Var = 0;

    /// <summary>Starts a value (<c>VALUE</c>).</summary>
    public const byte Value = 1;

    /// <summary>Makes the next byte literal (<c>ESC</c>).</summary>
    public const byte Esc = 2;

    /// <summary>Starts a user-defined variable name (<c>USERVAR</c>).</summary>
    public const byte UserVar = 3;

    private static readonly IReadOnlyList<NewEnvironVariable> NoVariables = Array.Empty<NewEnvironVariable>();
    private static readonly IReadOnlyList<NewEnvironRequest> NoRequests = Array.Empty<NewEnvironRequest>();

    /// <summary>Encodes an <c>IS</c> or <c>INFO</c> with its variables.</summary>
    /// <param name="command"><see cref="NewEnvironCommand.Is"/> or <see cref="NewEnvironCommand.Info"/>.</param>
    /// <param name="variables">The variables, in order.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="command"/> is not IS or INFO.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="variables"/> is null.</exception>
    /// <exception cref="ArgumentException">A variable has a null or empty name or an undefined type.</exception>
    public static byte[] Encode(NewEnvironCommand command, IEnumerable<NewEnvironVariable> variables)
    {
        if (command is not (NewEnvironCommand.Is or NewEnvironCommand.Info))
        {
            throw new ArgumentOutOfRangeException(nameof(command), command, "Variables are sent with IS or INFO.");
        }

        ArgumentNullException.ThrowIfNull(variables);
        var buffer = new List<byte> { (byte)command };
        foreach (var variable in variables)
        {
            ValidateType(variable.Type, nameof(variables));
            if (string.IsNullOrEmpty(variable.Name))
            {
                throw new ArgumentException("A NEW-ENVIRON variable has a name.", nameof(variables));
            }

            buffer.Add((byte)variable.Type);
            AppendEscaped(buffer, variable.Name);
            if (variable.Value is not null)
            {
                buffer.Add(Value);
                AppendEscaped(buffer, variable.Value);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Encodes a <c>SEND</c>; no requests means "send every variable".</summary>
    /// <param name="requests">What to ask for.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requests"/> is null.</exception>
    /// <exception cref="ArgumentException">A request has an undefined type or an empty name.</exception>
    public static byte[] EncodeSend(IEnumerable<NewEnvironRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var buffer = new List<byte> { (byte)NewEnvironCommand.Send };
        foreach (var request in requests)
        {
            ValidateType(request.Type, nameof(requests));
            if (request.Name is { Length: 0 })
            {
                throw new ArgumentException("Ask for every variable of a type with a null name, not an empty one.", nameof(requests));
            }

            buffer.Add((byte)request.Type);
            if (request.Name is not null)
            {
                AppendEscaped(buffer, request.Name);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>Reads a received <c>SEND</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="requests">What the peer asks for, when valid; empty means every variable.</param>
    /// <returns><see langword="false"/> when the payload is not a well-formed SEND.</returns>
    public static bool TryParseSend(ReadOnlySpan<byte> payload, out IReadOnlyList<NewEnvironRequest> requests)
    {
        requests = NoRequests;
        if (payload.IsEmpty || payload[0] != (byte)NewEnvironCommand.Send)
        {
            return false;
        }

        var reader = new Reader(payload.Slice(1));
        var result = new List<NewEnvironRequest>();
        while (reader.TryReadType(out var type))
        {
            if (!reader.TryReadText(out var name, out var next) || next == Value)
            {
                // A SEND carries names only; VALUE here is malformed.
                return false;
            }

            result.Add(new NewEnvironRequest(type, name.Length == 0 ? null : name));
        }

        if (!reader.AtEnd)
        {
            return false;
        }

        requests = result;
        return true;
    }

    /// <summary>Reads a received <c>IS</c> or <c>INFO</c>.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="command"><see cref="NewEnvironCommand.Is"/> or <see cref="NewEnvironCommand.Info"/>, when valid.</param>
    /// <param name="variables">The variables in order, when valid.</param>
    /// <returns><see langword="false"/> when the payload is not a well-formed IS or INFO.</returns>
    public static bool TryParse(ReadOnlySpan<byte> payload, out NewEnvironCommand command, out IReadOnlyList<NewEnvironVariable> variables)
    {
        command = default;
        variables = NoVariables;
        if (payload.IsEmpty || payload[0] is not ((byte)NewEnvironCommand.Is or (byte)NewEnvironCommand.Info))
        {
            return false;
        }

        var reader = new Reader(payload.Slice(1));
        var result = new List<NewEnvironVariable>();
        while (reader.TryReadType(out var type))
        {
            if (!reader.TryReadText(out var name, out var next))
            {
                return false;
            }

            string? value = null;
            if (next == Value)
            {
                reader.Skip();
                if (!reader.TryReadText(out var text, out next) || next == Value)
                {
                    return false;
                }

                value = text;
            }

            result.Add(new NewEnvironVariable(type, name, value));
        }

        if (!reader.AtEnd)
        {
            return false;
        }

        command = (NewEnvironCommand)payload[0];
        variables = result;
        return true;
    }

    private static void ValidateType(NewEnvironVariableType type, string paramName)
    {
        if (type is not (NewEnvironVariableType.Var or NewEnvironVariableType.UserVar))
        {
            throw new ArgumentException($"{type} is not VAR or USERVAR.", paramName);
        }
    }

    private static void AppendEscaped(List<byte> buffer, string text)
    {
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            if (b is Var or Value or Esc or UserVar)
            {
                buffer.Add(Esc);
            }

            buffer.Add(b);
        }
    }

    /// <summary>Walks a payload: a type byte, then text with ESC escapes up to the next unescaped type or VALUE.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _pos;

        public readonly bool AtEnd => _pos == _data.Length;

        public bool TryReadType(out NewEnvironVariableType type)
        {
            type = default;
            if (_pos == _data.Length || _data[_pos] is not (Var or UserVar))
            {
                return false;
            }

            type = (NewEnvironVariableType)_data[_pos++];
            return true;
        }

        public void Skip() => _pos++;

        /// <summary>Reads text up to the next VAR, VALUE or USERVAR (returned in <paramref name="next"/>, -1 at the end).</summary>
        public bool TryReadText(out string text, out int next)
        {
            var bytes = new List<byte>();
            next = -1;
            while (_pos < _data.Length)
            {
                var b = _data[_pos];
                if (b == Esc)
                {
                    if (_pos + 1 == _data.Length)
                    {
                        // ESC with nothing to escape.
                        text = string.Empty;
                        return false;
                    }

                    bytes.Add(_data[_pos + 1]);
                    _pos += 2;
                    continue;
                }

                if (b is Var or Value or UserVar)
                {
                    next = b;
                    break;
                }

                bytes.Add(b);
                _pos++;
            }

            text = Encoding.UTF8.GetString(bytes.ToArray());
            return true;
        }
    }
}
