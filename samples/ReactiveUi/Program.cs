// The RxTelnet reactive UI: a Terminal.Gui front end whose every binding is an Rx subscription observed on the
// UI thread. Connects to the embedded demo server unless --host/--port name a real one.
//
//   dotnet run --project samples/ReactiveUi                         # embedded demo server (login demo / secret)
//   dotnet run --project samples/ReactiveUi -- --host 127.0.0.1 --port 2324
using System.Reactive.Linq;
using RxTelnet.Samples.Demo;
using RxTelnet.Samples.ReactiveUi;
using RxTelnet.Session;
using RxTelnet.Transport;
using Terminal.Gui.App;

var (host, port, exitCode) = UiCommandLine.Parse(args, Console.Out, Console.Error);
if (exitCode is { } code)
{
    return code;   // --help, --version, or an error shown with the usage
}

using var demo = host is null ? new DemoServer() : null;
host ??= "127.0.0.1";
if (demo is not null)
{
    port = demo.Port;
}

using var app = Application.Create().Init();
var ui = new UiScheduler(app);
using var window = new TerminalWindow($"RxTelnet - {host}:{port}{(demo is null ? string.Empty : " (demo: login demo, password secret)")}");
var options = ClientOptions.Create(windowSizes: window.Sizes);

// Not started: the view model subscribes to the session's streams first, then starts it.
IObservable<TelnetSession> Connect() => Observable.FromAsync(async cancellationToken =>
{
    var transport = await SocketTransport.ConnectAsync(host, port, TimeSpan.FromSeconds(10), cancellationToken);
    return new TelnetSession(transport, options);
});

using var viewModel = new TerminalViewModel(Connect, ui);
window.Bind(viewModel, ui);
app.Run(window);
return 0;
