namespace RxTelnet.Negotiation;

using RxTelnet.Protocol;

/// <summary>
/// Which options we agree to when the peer asks: libtelnet's <c>telnet_telopt_t</c> table as an immutable value.
/// The default refuses everything, as Python's telnetlib does.
/// </summary>
/// <remarks>
/// The policy only answers the peer's requests (WILL and DO received while the option is disabled). Requests the
/// application makes through <see cref="Negotiator.RequestLocal(TelnetOption, bool)"/> and
/// <see cref="Negotiator.RequestRemote(TelnetOption, bool)"/> are sent whatever the policy says. Each builder method
/// returns a new policy and leaves this one unchanged, so one instance can be shared by many sessions.
/// </remarks>
public sealed class TelnetOptionPolicy
{
    private const int Words = 256 / 64;

    private readonly ulong[] _local;
    private readonly ulong[] _remote;

    /// <summary>Creates a policy that refuses every option on both sides.</summary>
    public TelnetOptionPolicy()
        : this(new ulong[Words], new ulong[Words])
    {
    }

    private TelnetOptionPolicy(ulong[] local, ulong[] remote)
    {
        _local = local;
        _remote = remote;
    }

    /// <summary>Gets the policy that refuses every option on both sides (the default).</summary>
    public static TelnetOptionPolicy RefuseAll { get; } = new();

    /// <summary>Gets whether we agree to perform <paramref name="option"/> when the peer sends DO.</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when a DO is answered with WILL.</returns>
    public bool IsLocalAllowed(TelnetOption option) => Has(_local, option);

    /// <summary>Gets whether we agree that the peer performs <paramref name="option"/> when it sends WILL.</summary>
    /// <param name="option">The option.</param>
    /// <returns><see langword="true"/> when a WILL is answered with DO.</returns>
    public bool IsRemoteAllowed(TelnetOption option) => Has(_remote, option);

    /// <summary>Returns a policy that also accepts DO for each of <paramref name="options"/> (we will perform them).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TelnetOptionPolicy AllowLocal(params TelnetOption[] options) => With(options, local: true, remote: false, allow: true);

    /// <summary>Returns a policy that also accepts WILL for each of <paramref name="options"/> (the peer may perform them).</summary>
    /// <param name="options">The options.</param>
    /// <returns>The new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TelnetOptionPolicy AllowRemote(params TelnetOption[] options) => With(options, local: false, remote: true, allow: true);

    /// <summary>Returns a policy that also accepts each of <paramref name="options"/> on both sides.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TelnetOptionPolicy Allow(params TelnetOption[] options) => With(options, local: true, remote: true, allow: true);

    /// <summary>Returns a policy that refuses DO for each of <paramref name="options"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TelnetOptionPolicy RefuseLocal(params TelnetOption[] options) => With(options, local: true, remote: false, allow: false);

    /// <summary>Returns a policy that refuses WILL for each of <paramref name="options"/>.</summary>
    /// <param name="options">The options.</param>
    /// <returns>The new policy.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public TelnetOptionPolicy RefuseRemote(params TelnetOption[] options) => With(options, local: false, remote: true, allow: false);

    private static bool Has(ulong[] bits, TelnetOption option) => (bits[(byte)option >> 6] & (1UL << ((byte)option & 63))) != 0;

    private TelnetOptionPolicy With(TelnetOption[] options, bool local, bool remote, bool allow)
    {
        ArgumentNullException.ThrowIfNull(options);
        var newLocal = local ? Set((ulong[])_local.Clone(), options, allow) : _local;
        var newRemote = remote ? Set((ulong[])_remote.Clone(), options, allow) : _remote;
        return new TelnetOptionPolicy(newLocal, newRemote);
    }

    private static ulong[] Set(ulong[] bits, TelnetOption[] options, bool allow)
    {
        foreach (var option in options)
        {
            var mask = 1UL << ((byte)option & 63);
            if (allow)
            {
                bits[(byte)option >> 6] |= mask;
            }
            else
            {
                bits[(byte)option >> 6] &= ~mask;
            }
        }

        return bits;
    }
}
