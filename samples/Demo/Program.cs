// The RxTelnet demo: an embedded loopback server, a client that upgrades the connection with START-TLS,
// logs in with one conversation (Converse), and prints the negotiation and data it sees as they happen. No setup, no network.
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using RxTelnet;
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

// The whole dialogue as one observable: each step reads exactly what the step before it left unread, and
// the sends are steps too. A refused login takes the "denied" branch instead of timing out.
await session.Converse(c =>
        from login in c.ReadUntil("login: ", timeout)
        from _ in Say(c, login, "demo")
        from password in c.ReadUntil("Password: ", timeout)
        from __ in Say(c, password, "secret")
        from prompt in c.Expect(
            timeout,
            ExpectCase.On(@"\$ $", r => Observable.Return(r.Data)),
            ExpectCase.On("denied", r => Observable.Throw<byte[]>(new InvalidOperationException("the demo server refused the login"))))
        from version in Command(c, prompt, "show version")
        from interfaces in Command(c, version, "show interfaces")
        from ___ in Say(c, interfaces, "exit")
        from rest in c.ReadToEnd(timeout)
        select rest)
    .Do(Print)
    .ToTask();
Console.WriteLine("  [eof] connection closed by the server");
return 0;

// Shows what the step read, then sends a line: one step of the conversation.
static IObservable<Unit> Say(TelnetConversation c, byte[] shown, string reply)
{
    Print(shown);
    Console.WriteLine($"  -> {reply}");
    return c.Send(reply + "\r\n");
}

// Sends a command and reads its output up to the next prompt.
IObservable<byte[]> Command(TelnetConversation c, byte[] shown, string command) =>
    Say(c, shown, command).SelectMany(_ => c.ReadUntil("$ ", timeout));

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
