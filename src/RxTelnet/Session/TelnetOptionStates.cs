namespace RxTelnet.Session;

using RxTelnet.Negotiation;
using RxTelnet.Protocol;

/// <summary>An immutable snapshot of every option's RFC 1143 state on one session, as <see cref="TelnetSession.OptionStates"/> emits it.</summary>
public sealed class TelnetOptionStates
{
    private readonly OptionState[] _states;

    internal TelnetOptionStates(OptionState[] states) => _states = states;

    /// <summary>Gets the snapshot in which every option is off.</summary>
    public static TelnetOptionStates AllOff { get; } = new(new OptionState[256]);

    /// <summary>Gets the full RFC 1143 state of <paramref name="option"/>.</summary>
    /// <param name="option">The option.</param>
    /// <returns>Both sides' states and queue bits.</returns>
    public OptionState this[TelnetOption option] => _states[(byte)option];

    /// <summary>Gets the options this side performs (we sent or accepted WILL).</summary>
    public IReadOnlyList<TelnetOption> LocalEnabled => [.. Enumerable.Range(0, 256).Where(i => _states[i].IsLocalEnabled).Select(i => (TelnetOption)i)];

    /// <summary>Gets the options the peer performs (it sent or accepted WILL).</summary>
    public IReadOnlyList<TelnetOption> RemoteEnabled => [.. Enumerable.Range(0, 256).Where(i => _states[i].IsRemoteEnabled).Select(i => (TelnetOption)i)];

    /// <summary>Gets whether this side performs <paramref name="option"/>.</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> in state YES.</returns>
    public bool IsLocalEnabled(TelnetOption option) => _states[(byte)option].IsLocalEnabled;

    /// <summary>Gets whether the peer performs <paramref name="option"/>.</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> in state YES.</returns>
    public bool IsRemoteEnabled(TelnetOption option) => _states[(byte)option].IsRemoteEnabled;

    /// <summary>Lists the enabled options, for logs and UIs.</summary>
    /// <returns>For example <c>local: Naws, TerminalType; remote: Echo, SuppressGoAhead</c>.</returns>
    public override string ToString() =>
        $"local: {string.Join(", ", LocalEnabled)}; remote: {string.Join(", ", RemoteEnabled)}";
}
