namespace RxTelnet.Protocol;

/// <summary>The kinds of <see cref="TelnetEvent"/>.</summary>
public enum TelnetEventKind
{
    /// <summary>Cooked data: <see cref="TelnetEvent.Data"/> holds the bytes.</summary>
    Data = 0,

    /// <summary>A command notification: <see cref="TelnetEvent.Command"/> holds it.</summary>
    Command = 1,

    /// <summary>A warning about received input: <see cref="TelnetEvent.Warning"/> holds it.</summary>
    Warning = 2,
}

/// <summary>
/// What the parser emits, in stream order: cooked data, a <see cref="TelnetCommand"/> notification or a
/// <see cref="TelnetWarning"/>.
/// </summary>
/// <remarks>
/// A struct so that parsing allocates nothing per event. <see cref="Data"/> is a slice of the received chunk
/// (IAC IAC unescaped by slicing, CR NUL collapsed by skipping): keep it as long as needed, never write to it.
/// </remarks>
public readonly struct TelnetEvent : IEquatable<TelnetEvent>
{
    private readonly TelnetCommand _command;
    private readonly TelnetWarning _warning;

    private TelnetEvent(TelnetEventKind kind, ReadOnlyMemory<byte> data, TelnetCommand command, TelnetWarning warning)
    {
        Kind = kind;
        Data = data;
        _command = command;
        _warning = warning;
    }

    /// <summary>Gets the kind of event.</summary>
    public TelnetEventKind Kind { get; }

    /// <summary>Gets the cooked bytes of a <see cref="TelnetEventKind.Data"/> event; empty otherwise.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Gets the command of a <see cref="TelnetEventKind.Command"/> event.</summary>
    /// <exception cref="InvalidOperationException">This is not a command event.</exception>
    public TelnetCommand Command => Kind == TelnetEventKind.Command
        ? _command
        : throw new InvalidOperationException($"A {Kind} event has no command.");

    /// <summary>Gets the warning of a <see cref="TelnetEventKind.Warning"/> event.</summary>
    /// <exception cref="InvalidOperationException">This is not a warning event.</exception>
    public TelnetWarning Warning => Kind == TelnetEventKind.Warning
        ? _warning
        : throw new InvalidOperationException($"A {Kind} event has no warning.");

    /// <summary>Gets whether this is a data event.</summary>
    public bool IsData => Kind == TelnetEventKind.Data;

    /// <summary>Gets whether this is a command event.</summary>
    public bool IsCommand => Kind == TelnetEventKind.Command;

    /// <summary>Creates a data event.</summary>
    /// <param name="data">The cooked bytes.</param>
    /// <returns>The event.</returns>
    public static TelnetEvent FromData(ReadOnlyMemory<byte> data) => new(TelnetEventKind.Data, data, default, default);

    /// <summary>Creates a command event.</summary>
    /// <param name="command">The command.</param>
    /// <returns>The event.</returns>
    public static TelnetEvent FromCommand(TelnetCommand command) => new(TelnetEventKind.Command, default, command, default);

    /// <summary>Creates a warning event.</summary>
    /// <param name="warning">The warning.</param>
    /// <returns>The event.</returns>
    public static TelnetEvent FromWarning(TelnetWarning warning) => new(TelnetEventKind.Warning, default, default, warning);

    /// <inheritdoc/>
    public bool Equals(TelnetEvent other) => Kind == other.Kind && Kind switch
    {
        TelnetEventKind.Data => Data.Span.SequenceEqual(other.Data.Span),
        TelnetEventKind.Command => _command.Equals(other._command),
        _ => _warning.Equals(other._warning),
    };

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TelnetEvent other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => Kind switch
    {
        TelnetEventKind.Data => HashData(Data.Span),
        TelnetEventKind.Command => _command.GetHashCode(),
        _ => _warning.GetHashCode(),
    };

    /// <summary>Compares two events by value.</summary>
    /// <param name="left">The first event.</param>
    /// <param name="right">The second event.</param>
    /// <returns><see langword="true"/> when equal.</returns>
    public static bool operator ==(TelnetEvent left, TelnetEvent right) => left.Equals(right);

    /// <summary>Compares two events by value.</summary>
    /// <param name="left">The first event.</param>
    /// <param name="right">The second event.</param>
    /// <returns><see langword="true"/> when different.</returns>
    public static bool operator !=(TelnetEvent left, TelnetEvent right) => !left.Equals(right);

    /// <summary>Formats the event for logs and test transcripts.</summary>
    /// <returns>A readable form of the event.</returns>
    public override string ToString() => Kind switch
    {
        TelnetEventKind.Data => "DATA " + Convert.ToHexString(Data.Span),
        TelnetEventKind.Command => _command.ToString(),
        _ => "WARNING " + _warning.Message,
    };

    private static int HashData(ReadOnlySpan<byte> data)
    {
        var hash = new HashCode();
        hash.AddBytes(data);
        return hash.ToHashCode();
    }
}
