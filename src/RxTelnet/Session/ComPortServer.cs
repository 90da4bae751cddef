namespace RxTelnet.Session;

using System.Reactive.Disposables;
using System.Reactive.Linq;
using RxTelnet.Negotiation;
using RxTelnet.Options;
using RxTelnet.Protocol;
using RxTelnet.Serial;

/// <summary>
/// The access-server side of RFC 2217 COM-PORT-OPTION: serves a local serial line (<see cref="ISerialLine"/>) to a
/// Telnet client that controls it, for one session or every session a <see cref="TelnetListener"/> accepts.
/// </summary>
/// <remarks>
/// <para>
/// The server asks the client <c>DO COM-PORT-OPTION</c> and <c>DO BINARY</c>, offers <c>WILL BINARY</c>, and answers
/// each client command with its code plus 100: settings are applied to the line and acknowledged with the value the line
/// has afterwards (a value 0 or <c>Request</c> only reads it), masks are stored and acknowledged, <c>PURGE-DATA</c>
/// purges the line, and an empty <c>SIGNATURE</c> is answered with the server's. Line state changes are reported with
/// <c>NOTIFY-LINESTATE</c> under the client's line state mask (0 at first), modem state changes with
/// <c>NOTIFY-MODEMSTATE</c> under the modem state mask (255 at first), as RFC 2217 sets them.
/// </para>
/// <para>
/// Data goes both ways: what the client sends is read from the session (so a slow line holds the client back through
/// the session's read queue) and written to the line in order; what arrives on the line is written to the session.
/// The session's options must let the client enable COM-PORT-OPTION and BINARY: use <see cref="Policy"/>.
/// <c>FLOWCONTROL-SUSPEND</c> and <c>RESUME</c> from the client are not acted on.
/// </para>
/// </remarks>
public static class ComPortServer
{
    /// <summary>The signature sent when none is given.</summary>
    public const string DefaultSignature = "RxTelnet";

    /// <summary>Gets the option policy a served session needs: BINARY both ways and COM-PORT-OPTION on the client's side, nothing else.</summary>
    public static TelnetOptionPolicy Policy { get; } = TelnetOptionPolicy.RefuseAll
        .Allow(TelnetOption.Binary)
        .AllowRemote(TelnetOption.ComPortOption);

    /// <summary>Serves <paramref name="line"/> over <paramref name="session"/> until either ends or the result is disposed.</summary>
    /// <param name="session">A started session; its policy should be <see cref="Policy"/> (or allow what it allows).</param>
    /// <param name="line">The serial line; disposed when the serving ends.</param>
    /// <param name="signature">The text answered to the client's signature request; <see cref="DefaultSignature"/> when null.</param>
    /// <returns>Stops serving and disposes the line (the session stays open).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> or <paramref name="line"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not valid UTF-16 (a lone surrogate).</exception>
    public static IDisposable Serve(TelnetSession session, ISerialLine line, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(line);
        CheckSignature(signature);
        return new Served(session, line, signature ?? DefaultSignature).Start();
    }

    /// <summary>Serves a serial line to every session <paramref name="listener"/> accepts: <paramref name="openLine"/> opens one per session.</summary>
    /// <param name="listener">The listener; its session options should use <see cref="Policy"/>.</param>
    /// <param name="openLine">Opens the line for a session; a session whose line cannot be opened (it throws) is closed.</param>
    /// <param name="signature">The text answered to a client's signature request; <see cref="DefaultSignature"/> when null.</param>
    /// <returns>Stops serving new sessions (sessions already served go on until they close).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="listener"/> or <paramref name="openLine"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="signature"/> is not valid UTF-16 (a lone surrogate).</exception>
    public static IDisposable Serve(TelnetListener listener, Func<TelnetSession, ISerialLine> openLine, string? signature = null)
    {
        ArgumentNullException.ThrowIfNull(listener);
        ArgumentNullException.ThrowIfNull(openLine);
        CheckSignature(signature);
        return listener.Sessions.Subscribe(session =>
        {
            ISerialLine line;
            try
            {
                line = openLine(session);
            }
            catch (Exception)
            {
                session.Close();
                return;
            }

            var served = Serve(session, line, signature);
            session.State.Where(static s => s.Status == TelnetSessionStatus.Closed).Take(1).Subscribe(_ => served.Dispose());
        });
    }

    /// <summary>Checks the signature up front: it is encoded on the receive thread, where an error would close the session.</summary>
    private static void CheckSignature(string? signature)
    {
        if (signature is null)
        {
            return;
        }

        try
        {
            _ = ComPort.EncodeSignature(signature, fromServer: true);
        }
        catch (ArgumentException ex)
        {
            throw new ArgumentException(ex.Message, nameof(signature), ex);
        }
    }

    private sealed class Served(TelnetSession session, ISerialLine line, string signature) : IDisposable
    {
        private readonly object _gate = new();
        private readonly CompositeDisposable _subscriptions = [];
        private readonly CancellationTokenSource _stop = new();
        private ComPortLineState _lineMask = ComPortLineState.None;
        private ComPortModemState _modemMask = (ComPortModemState)0xFF;
        private ComPortModemState? _lastModem;
        private int _disposed;

        public IDisposable Start()
        {
            _subscriptions.Add(session.Commands
                .Where(static c => c.IsSubnegotiation && c.Option == TelnetOption.ComPortOption)
                .Subscribe(OnCommand));
            _subscriptions.Add(line.LineStates.Subscribe(OnLineState, static _ => { }));
            _subscriptions.Add(line.ModemStates.Subscribe(OnModemState, static _ => { }));
            _subscriptions.Add(line.Received
                .Select(chunk => Observable.FromAsync(ct => session.WriteAsync(chunk, ct)))
                .Concat()
                .Subscribe(static _ => { }, static _ => { }));
            _ = PumpToLineAsync(_stop.Token);
            session.RequestRemote(TelnetOption.ComPortOption, true).Subscribe(static _ => { }, static _ => { });
            session.RequestRemote(TelnetOption.Binary, true).Subscribe(static _ => { }, static _ => { });
            session.RequestLocal(TelnetOption.Binary, true).Subscribe(static _ => { }, static _ => { });
            return this;
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            _stop.Cancel();
            _subscriptions.Dispose();
            line.Dispose();
        }

        private async Task PumpToLineAsync(CancellationToken token)
        {
            try
            {
                while (!token.IsCancellationRequested)
                {
                    var chunk = await session.ReadSomeAsync(token).ConfigureAwait(false);
                    if (chunk.Length == 0)
                    {
                        return;
                    }

                    await line.WriteAsync(chunk, token).ConfigureAwait(false);
                }
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
            }
            catch (TelnetException)
            {
                // The session closed or failed: the serving ends with it.
            }
            catch (IOException)
            {
                // The line failed: nothing more can be written to it.
            }
        }

        private void OnCommand(TelnetCommand command)
        {
            if (!session.IsRemoteEnabled(TelnetOption.ComPortOption))
            {
                // RFC 855: no subnegotiation before the option is agreed. A client that refused (or never offered)
                // COM-PORT-OPTION cannot change the line, and could not be acknowledged anyway.
                return;
            }

            if (!ComPort.TryParse(command.Payload.Span, out var message) || message.FromServer)
            {
                // Malformed, or a server code from the client: RFC 2217 gives it no meaning here.
                return;
            }

            ComPortMessage? reply;
            try
            {
                reply = Answer(message);
            }
            catch (Exception)
            {
                // The line failed to apply or read the setting: nothing true to acknowledge; the client's wait times out.
                return;
            }

            if (reply is { } r)
            {
                Send(r);
            }
        }

        private ComPortMessage? Answer(ComPortMessage message) => message.Command switch
        {
                ComPortCommand.Signature when string.IsNullOrEmpty(message.Signature) => message with { FromServer = true, Signature = signature },
                ComPortCommand.SetBaudRate => Reply(message, line.SetBaudRate(message.BaudRate)),
                ComPortCommand.SetDataSize => Reply(message, line.SetDataSize(message.DataSize)),
                ComPortCommand.SetParity => Reply(message, (uint)line.SetParity(message.Parity)),
                ComPortCommand.SetStopSize => Reply(message, (uint)line.SetStopSize(message.StopSize)),
                ComPortCommand.SetControl => Reply(message, (uint)line.SetControl(message.Control)),
                ComPortCommand.SetLineStateMask => Reply(message, (uint)SetLineMask(message.LineState)),
                ComPortCommand.SetModemStateMask => Reply(message, (uint)SetModemMask(message.ModemState)),
                ComPortCommand.PurgeData => Purge(message),
                _ => null,
        };

        private static ComPortMessage Reply(ComPortMessage request, uint applied) => request with { FromServer = true, Value = applied };

        private ComPortMessage Purge(ComPortMessage request)
        {
            line.Purge(request.Purge);
            return Reply(request, request.Value);
        }

        private ComPortLineState SetLineMask(ComPortLineState mask)
        {
            lock (_gate)
            {
                _lineMask = mask;
            }

            return mask;
        }

        private ComPortModemState SetModemMask(ComPortModemState mask)
        {
            lock (_gate)
            {
                _modemMask = mask;
            }

            return mask;
        }

        private void OnLineState(ComPortLineState state)
        {
            ComPortLineState masked;
            lock (_gate)
            {
                masked = state & _lineMask;
            }

            if (masked != ComPortLineState.None)
            {
                Send(new ComPortMessage(ComPortCommand.NotifyLineState, true, (byte)masked));
            }
        }

        private void OnModemState(ComPortModemState state)
        {
            ComPortModemState masked;
            lock (_gate)
            {
                masked = state & _modemMask;
                if (masked == _lastModem)
                {
                    return;
                }

                _lastModem = masked;
            }

            Send(new ComPortMessage(ComPortCommand.NotifyModemState, true, (byte)masked));
        }

        private void Send(ComPortMessage message)
        {
            if (Volatile.Read(ref _disposed) != 0 || !session.IsRemoteEnabled(TelnetOption.ComPortOption))
            {
                return;
            }

            _ = session.SendComPortAsync(message).ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }
    }
}
