namespace RxTelnet.Samples.ReactiveUi;

using RxTelnet.Protocol;
using RxTelnet.Session;

/// <summary>One line of the option panel: whether we (local) and the server (remote) perform an option.</summary>
public sealed record OptionRow(TelnetOption Option, bool Local, bool Remote)
{
    /// <summary>The options always listed, enabled or not: the ones a login session usually negotiates.</summary>
    public static IReadOnlyList<TelnetOption> Watched { get; } =
        [TelnetOption.Echo, TelnetOption.SuppressGoAhead, TelnetOption.TerminalType, TelnetOption.Naws];

    /// <summary>The rows for a snapshot: the watched options, then any other option enabled on either side.</summary>
    public static IReadOnlyList<OptionRow> From(TelnetOptionStates states)
    {
        ArgumentNullException.ThrowIfNull(states);
        var options = Watched.Concat(states.LocalEnabled).Concat(states.RemoteEnabled).Distinct();
        return [.. options.Select(o => new OptionRow(o, states.IsLocalEnabled(o), states.IsRemoteEnabled(o)))];
    }

    /// <summary>The header line that goes above <see cref="ToString"/>'s columns.</summary>
    public const string Header = "option           local remote";

    /// <inheritdoc/>
    public override string ToString() =>
        $"{Option,-17}{(Local ? "on" : "off"),-6}{(Remote ? "on" : "off")}";
}
