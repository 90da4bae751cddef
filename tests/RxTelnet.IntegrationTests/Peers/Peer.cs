namespace RxTelnet.IntegrationTests.Peers;

using System.Text;
using RxTelnet.Session;

/// <summary>
/// The real third-party servers that scripts/peers/start.sh runs on loopback. Their tests run when
/// RXTELNET_PEERS=1 (CI sets it after starting them); a peer that should be up but is not fails the test.
/// </summary>
internal static class Peer
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static int Port(string name)
    {
        var value = Environment.GetEnvironmentVariable($"RXTELNET_{name}_PORT");
        if (Environment.GetEnvironmentVariable("RXTELNET_PEERS") != "1")
        {
            Assert.Ignore($"Real peers are not running: run scripts/peers/start.sh and set RXTELNET_PEERS=1 (.ci/run does both).");
        }

        if (!int.TryParse(value, out var port))
        {
            Assert.Fail($"RXTELNET_{name}_PORT is not set although RXTELNET_PEERS=1: the {name} peer did not start.");
        }

        return port;
    }

    public static Task<TelnetSession> ConnectAsync(string name, TelnetSessionOptions? options = null, Action<TelnetSession>? configure = null) =>
        TelnetClient.ConnectAsync("127.0.0.1", Port(name), options, Timeout, configure);

    public static async Task<string> UntilAsync(this TelnetSession session, string expected) =>
        Encoding.ASCII.GetString(await session.ReadUntilAsync(Encoding.ASCII.GetBytes(expected), Timeout));

    /// <summary>Logs in through scripts/peers/login.sh (any user and password) and returns what came before the first prompt.</summary>
    public static async Task<string> LoginAsync(this TelnetSession session)
    {
        var banner = await session.UntilAsync("login: ");
        await session.WriteTextAsync("tester\n");
        await session.UntilAsync("Password: ");
        await session.WriteTextAsync("secret\n");
        await session.UntilAsync("$ ");
        return banner;
    }

    /// <summary>Runs one command at the `$ ` prompt and returns its output without the echo and the prompt.</summary>
    public static async Task<string> RunAsync(this TelnetSession session, string command)
    {
        await session.WriteTextAsync(command + "\n");
        var text = await session.UntilAsync("$ ");
        text = text[..^2];
        if (text.StartsWith(command + "\r\n", StringComparison.Ordinal))
        {
            text = text[(command.Length + 2)..];
        }

        return text.TrimEnd('\r', '\n');
    }

    public static async Task ExitAsync(this TelnetSession session)
    {
        await session.WriteTextAsync("exit\n");
        await session.ReadAllAsync().WaitAsync(Timeout);
        Assert.That(session.IsEof, Is.True, "the server closed the connection after exit");
    }
}
