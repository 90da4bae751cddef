namespace RxTelnet.Samples.Demo;

using System.Net;
using System.Reactive.Linq;
using System.Text;
using RxTelnet.Negotiation;
using RxTelnet.Protocol;
using RxTelnet.Session;
using RxTelnet.Transport;

/// <summary>
/// A small embedded Telnet server for the demo: asks for a few options, shows a login dialogue (the password
/// <c>wrong</c> is refused, any other accepted) and
/// answers a handful of device-like commands. Built on <see cref="TelnetListener"/>, the library's server side.
/// </summary>
public sealed class DemoServer : IDisposable
{
    private static readonly byte[] LineEnd = "\r\n"u8.ToArray();
    private readonly TelnetListener _listener;
    private readonly IDisposable _subscription;
    private long _requests;

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="startTls">START-TLS server settings (a certificate) to accept clients that ask to upgrade; null for plain Telnet only.</param>
    public DemoServer(StartTlsOptions? startTls = null)
    {
        // Character mode and the window size, negotiated properly (RFC 1143) so the options really end up on.
        _listener = TelnetListener.Start(
            new IPEndPoint(IPAddress.Loopback, 0),
            new TelnetSessionOptions
            {
                Policy = TelnetOptionPolicy.RefuseAll.AllowLocal(TelnetOption.SuppressGoAhead).AllowRemote(TelnetOption.Naws),
                StartTls = startTls,
            });
        _subscription = _listener.Sessions.Subscribe(session => _ = ServeAsync(session));
    }

    /// <summary>Gets the port the server listens on.</summary>
    public int Port => _listener.LocalEndPoint.Port;

    /// <inheritdoc/>
    public void Dispose()
    {
        _subscription.Dispose();
        _listener.Dispose();
    }

    private async Task ServeAsync(TelnetSession session)
    {
        try
        {
            using (session)
            {
                // What a typical device asks for: character mode and the window size; asked again after a
                // START-TLS upgrade, since negotiation starts afresh over TLS.
                session.Secure.Where(static secure => secure).StartWith(false).Subscribe(_ =>
                {
                    session.RequestLocal(TelnetOption.SuppressGoAhead, true).Subscribe();
                    session.RequestRemote(TelnetOption.Naws, true).Subscribe();
                });
                await session.WriteTextAsync("\nRxTelnet demo device\n\nlogin: ", newline: TelnetNewline.NvtCrLf);
                var user = await ReadLineAsync(session);
                await session.WriteTextAsync("Password: ");
                if (await ReadLineAsync(session) == "wrong")
                {
                    // Any other password is accepted; this one shows what a refused login looks like.
                    await session.WriteTextAsync("\nAccess denied\n");
                    return;
                }

                await session.WriteTextAsync($"\nWelcome, {user}.\n$ ");
                while (true)
                {
                    var command = await ReadLineAsync(session);
                    var reply = Answer(command);
                    if (reply is null)
                    {
                        await session.WriteTextAsync("bye\n");
                        return;
                    }

                    await session.WriteTextAsync(reply + "$ ");
                }
            }
        }
        catch (TelnetException)
        {
            // The client went away: nothing to clean up beyond the session.
        }
    }

    private static async Task<string> ReadLineAsync(TelnetSession session)
    {
        var line = await session.ReadUntilAsync(LineEnd, TimeSpan.FromMinutes(5));
        return Encoding.ASCII.GetString(line).TrimEnd('\r', '\n', '\0');
    }

    private string? Answer(string command)
    {
        var n = Interlocked.Increment(ref _requests);
        return command switch
        {
            "exit" or "quit" or "logout" => null,
            "show version" => "RxTelnet demo device, version 0.1.0\n",
            "show interfaces" => $"eth0  rx {1000 * n,8} tx {700 * n,8} errors 0\neth1  rx {40 * n,8} tx {30 * n,8} errors {n / 3}\n",
            "" => string.Empty,
            _ when command.StartsWith("echo ", StringComparison.Ordinal) => command[5..] + "\n",
            _ => $"unknown command: {command}\n",
        };
    }
}
