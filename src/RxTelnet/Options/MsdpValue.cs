namespace RxTelnet.Options;

using System.Text;

/// <summary>What an MSDP value is: a string, an array of values, or a table of named values.</summary>
public enum MsdpValueKind
{
    /// <summary>A string (numbers are strings too in MSDP).</summary>
    Text,

    /// <summary>An ordered list of values (<c>MSDP_ARRAY_OPEN … MSDP_ARRAY_CLOSE</c>).</summary>
    Array,

    /// <summary>Named values in order (<c>MSDP_TABLE_OPEN … MSDP_TABLE_CLOSE</c>).</summary>
    Table,
}

/// <summary>
/// An MSDP value: a string, an array or a table, nested as deep as <see cref="Msdp.MaxDepth"/>. Immutable, compared by
/// content.
/// </summary>
public sealed class MsdpValue : IEquatable<MsdpValue>
{
    private static readonly IReadOnlyList<MsdpValue> NoItems = [];
    private static readonly IReadOnlyList<MsdpVariable> NoFields = [];

    private MsdpValue(MsdpValueKind kind, string text, IReadOnlyList<MsdpValue> items, IReadOnlyList<MsdpVariable> fields)
    {
        Kind = kind;
        Text = text;
        Items = items;
        Fields = fields;
    }

    /// <summary>Gets what this value is.</summary>
    public MsdpValueKind Kind { get; }

    /// <summary>Gets the string of a <see cref="MsdpValueKind.Text"/> value; empty for the others.</summary>
    public string Text { get; }

    /// <summary>Gets the items of an <see cref="MsdpValueKind.Array"/>; empty for the others.</summary>
    public IReadOnlyList<MsdpValue> Items { get; }

    /// <summary>Gets the named values of a <see cref="MsdpValueKind.Table"/>, in the order sent; empty for the others.</summary>
    public IReadOnlyList<MsdpVariable> Fields { get; }

    /// <summary>Gets the value of the first field named <paramref name="name"/> in a table, or null.</summary>
    /// <param name="name">The field's name.</param>
    public MsdpValue? this[string name] => Fields.FirstOrDefault(f => f.Name == name)?.Value;

    /// <summary>Creates a string value.</summary>
    /// <param name="text">The string.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    public static MsdpValue Of(string text) => new(MsdpValueKind.Text, text ?? throw new ArgumentNullException(nameof(text)), NoItems, NoFields);

    /// <summary>Creates an array of string values.</summary>
    /// <param name="items">The strings.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of them is null.</exception>
    public static MsdpValue ArrayOf(params string[] items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return ArrayOf(items.Select(Of));
    }

    /// <summary>Creates an array.</summary>
    /// <param name="items">The values.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="items"/> or one of them is null.</exception>
    public static MsdpValue ArrayOf(IEnumerable<MsdpValue> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        MsdpValue[] list = [.. items];
        if (Array.IndexOf(list, null) is var at and >= 0)
        {
            throw new ArgumentNullException(nameof(items), $"Item {at} of the MSDP array is null.");
        }

        return new MsdpValue(MsdpValueKind.Array, string.Empty, list, NoFields);
    }

    /// <summary>Creates a table.</summary>
    /// <param name="fields">The named values, in order.</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="fields"/> or one of them is null.</exception>
    public static MsdpValue TableOf(IEnumerable<MsdpVariable> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        MsdpVariable[] list = [.. fields];
        if (Array.IndexOf(list, null) is var at and >= 0)
        {
            throw new ArgumentNullException(nameof(fields), $"Field {at} of the MSDP table is null.");
        }

        return new MsdpValue(MsdpValueKind.Table, string.Empty, NoItems, list);
    }

    /// <summary>Creates a table.</summary>
    /// <param name="fields">The named values, in order.</param>
    /// <returns>The value.</returns>
    public static MsdpValue TableOf(params MsdpVariable[] fields) => TableOf((IEnumerable<MsdpVariable>)fields);

    /// <summary>A string value.</summary>
    /// <param name="text">The string.</param>
    public static implicit operator MsdpValue(string text) => Of(text);

    /// <inheritdoc/>
    public bool Equals(MsdpValue? other) =>
        other is not null
        && Kind == other.Kind
        && Text == other.Text
        && Items.SequenceEqual(other.Items)
        && Fields.SequenceEqual(other.Fields);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as MsdpValue);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Kind);
        hash.Add(Text);
        foreach (var item in Items)
        {
            hash.Add(item);
        }

        foreach (var field in Fields)
        {
            hash.Add(field);
        }

        return hash.ToHashCode();
    }

    /// <summary>Shows the value compactly: <c>"text"</c>, <c>[a, b]</c>, <c>{NAME: "x", ...}</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        Append(text, this);
        return text.ToString();

        static void Append(StringBuilder text, MsdpValue value)
        {
            switch (value.Kind)
            {
                case MsdpValueKind.Text:
                    text.Append('"').Append(value.Text).Append('"');
                    break;
                case MsdpValueKind.Array:
                    text.Append('[');
                    for (var i = 0; i < value.Items.Count; i++)
                    {
                        text.Append(i > 0 ? ", " : string.Empty);
                        Append(text, value.Items[i]);
                    }

                    text.Append(']');
                    break;
                default:
                    text.Append('{');
                    for (var i = 0; i < value.Fields.Count; i++)
                    {
                        text.Append(i > 0 ? ", " : string.Empty).Append(value.Fields[i].Name).Append(": ");
                        Append(text, value.Fields[i].Value);
                    }

                    text.Append('}');
                    break;
            }
        }
    }
}

/// <summary>A named MSDP value: a variable sent or received, or a field of a table.</summary>
/// <param name="Name">The name, for example <c>HEALTH</c>.</param>
/// <param name="Value">The value.</param>
public sealed record MsdpVariable(string Name, MsdpValue Value)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Name} = {Value}";
}
