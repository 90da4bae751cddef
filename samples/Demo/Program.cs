// The RxTelnet demo: an embedded loopback server, a client that upgrades the connection with START-TLS,
// logs in with Expect, and prints the negotiation and data it sees as they happen. No setup, no network.
using System.Text;
using System.Text.RegularExpressions;
using RxTelnet.Samples.Demo;
using RxTelnet.Session;
using RxTelnet.Transport;

// A self-signed certificate made for this run; the client trusts exactly this one (pinned), nothing else.
using var certificate = DemoCertificate.Create();
using var server = new DemoServer(StartTlsOptions.Server(certificate));
Console.WriteLine($"demo server listening on 127.0.0.1:{server.Port}");

await using var session = await TelnetClient.ConnectAsync(
    "127.0.0.1",
    server.Port,
    new TelnetSessionOptions
    {
        StartTls = StartTlsOptions.Client("localhost", (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString()),
    },
    connectTimeout: TimeSpan.FromSeconds(10),
    configure: s =>
    {
        // Hot streams: watch negotiation and state without consuming anything.
        s.Commands.Subscribe(c => Console.WriteLine($"  <- {c}"));
        s.State.Subscribe(state => Console.WriteLine($"  [state] {state.Status} {state.Reason}"));
    });

// START-TLS (option 46): what was plain text so far stays readable; from here on the wire is encrypted.
var secured = await session.StartTlsAsync();
Console.WriteLine(secured ? "  [tls] upgraded with START-TLS: encrypted from here on" : "  [tls] the server refused START-TLS");

var timeout = TimeSpan.FromSeconds(10);
await Step(new Regex("login: "), "demo");
await Step(new Regex("Password: "), "secret");
await Step(new Regex(@"\$ $"), "show version");
await Step(new Regex(@"\$ $"), "show interfaces");
await Step(new Regex(@"\$ $"), "exit");
var rest = await session.ReadAllAsync();
Print(rest);
Console.WriteLine("  [eof] connection closed by the server");
return 0;

async Task Step(Regex prompt, string reply)
{
    var result = await session.ExpectAsync([prompt], timeout);
    if (result.Index < 0)
    {
        throw new TimeoutException($"no prompt matching {prompt} within {timeout}");
    }

    Print(result.Data);
    Console.WriteLine($"  -> {reply}");
    await session.WriteTextAsync(reply + "\n");
}

static void Print(byte[] data)
{
    foreach (var line in Encoding.ASCII.GetString(data).Replace("\r", string.Empty).Split('\n'))
    {
        if (line.Length > 0)
        {
            Console.WriteLine($"  | {line}");
        }
    }
}
