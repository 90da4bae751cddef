// rxtelnet: a command-line Telnet client on RxTelnet. See README.md beside this file.
using RxTelnet.Cli;

return await Cli.RunAsync(args, SystemTerminal.Instance);
