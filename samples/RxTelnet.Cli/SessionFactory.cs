namespace RxTelnet.Cli;

using System.Reactive.Concurrency;
using System.Security.Authentication;
using System.Reactive.Linq;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>Connects and sets up a session the way an interactive client wants it.</summary>
public static class SessionFactory
{
    /// <summary>How often the window size is polled for NAWS.</summary>
    public static readonly TimeSpan WindowPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Session options for <paramref name="terminal"/>: the server may echo and suppress go-ahead; we offer
    /// SGA, NAWS when output is a terminal with a known size, and TTYPE when TERM is set.
    /// </summary>
    /// <param name="terminal">The console the session serves.</param>
    /// <param name="pollScheduler">Where the window size is polled; a test scheduler in tests.</param>
    /// <returns>The options.</returns>
    public static TelnetSessionOptions CreateOptions(ITerminal terminal, IScheduler pollScheduler)
    {
        var policy = new TelnetOptionPolicy()
            .AllowRemote(TelnetOption.Echo, TelnetOption.SuppressGoAhead)
            .AllowLocal(TelnetOption.SuppressGoAhead);
        IObservable<WindowSize>? sizes = null;
        if (terminal.IsOutputTerminal && terminal.WindowSize is not null)
        {
            policy = policy.AllowLocal(TelnetOption.Naws);
            sizes = Observable.Interval(WindowPollInterval, pollScheduler)
                .Select(_ => terminal.WindowSize)
                .StartWith(terminal.WindowSize)
                .Where(size => size is not null)
                .Select(size => size!.Value)
                .DistinctUntilChanged();
        }

        string[]? terminalTypes = null;
        if (terminal.TerminalType is { Length: > 0 } term)
        {
            policy = policy.AllowLocal(TelnetOption.TerminalType);
            terminalTypes = [term.ToUpperInvariant()];
        }

        return new TelnetSessionOptions
        {
            Policy = policy,
            WindowSizes = sizes,
            TerminalTypes = terminalTypes,
            Encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
    }

    /// <summary>
    /// Connects over TCP or TLS and starts the session, calling <paramref name="configure"/> before the first byte is
    /// read; with <see cref="ClientSettings.StartTls"/>, upgrades to TLS before returning.
    /// </summary>
    /// <param name="settings">Where to connect and how.</param>
    /// <param name="options">Session options.</param>
    /// <param name="configure">Subscribes to the hot streams before receiving starts.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The started session.</returns>
    public static async Task<TelnetSession> ConnectAsync(
        ClientSettings settings,
        TelnetSessionOptions options,
        Action<TelnetSession>? configure,
        CancellationToken cancellationToken)
    {
        ITelnetTransport transport = settings.Tls
            ? await TlsTransport.ConnectAsync(
                settings.Host,
                settings.Port,
                settings.Insecure ? static (_, _, _, _) => true : null,
                settings.ConnectTimeout,
                cancellationToken).ConfigureAwait(false)
            : await SocketTransport.ConnectAsync(settings.Host, settings.Port, settings.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        if (settings.StartTls)
        {
            options = options with
            {
                StartTls = StartTlsOptions.Client(settings.Host, settings.Insecure ? static (_, _, _, _) => true : null, settings.ConnectTimeout),
            };
        }

        var session = new TelnetSession(transport, options);
        try
        {
            configure?.Invoke(session);
            session.Start();
            if (settings.StartTls && !await session.StartTlsAsync(cancellationToken).ConfigureAwait(false))
            {
                // Asked for TLS: going on in plain text would be a silent downgrade.
                throw new AuthenticationException("the server refused START-TLS (option 46); not continuing in plain text");
            }
        }
        catch
        {
            await session.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return session;
    }
}
