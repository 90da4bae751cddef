namespace RxTelnet.Compat;

using System.Text;

/// <content>telnetlib's very dumb terminal: <c>interact</c> and <c>mt_interact</c>.</content>
public sealed partial class Telnet
{
    /// <summary>The line written when the peer closes the connection during an interaction (telnetlib's wording).</summary>
    public const string ConnectionClosedMessage = "*** Connection closed by remote host ***";

    /// <summary>Runs a very dumb terminal over the console (telnetlib's <c>interact</c>); see <see cref="Interact(TextReader, TextWriter)"/>.</summary>
    public void Interact() => Interact(Console.In, Console.Out);

    /// <summary>
    /// Runs a very dumb terminal (telnetlib's <c>interact</c>): copies what the connection receives to
    /// <paramref name="output"/> and each line of <paramref name="input"/> to the connection, until either ends; blocks.
    /// </summary>
    /// <param name="input">The lines to send; each goes out with <c>"\n"</c> appended, IAC doubled, as telnetlib sends <c>readline()</c>'s result.</param>
    /// <param name="output">Where received data is written (as Latin-1 text) and flushed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="output"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <remarks>
    /// <list type="table"><listheader><term>Event</term><description>Behavior</description></listheader>
    /// <item><term>data received</term><description>written to <paramref name="output"/>, which is flushed</description></item>
    /// <item><term>line read</term><description>sent to the connection</description></item>
    /// <item><term>end of stream</term><description>writes <see cref="ConnectionClosedMessage"/> on a line of its own and returns</description></item>
    /// <item><term>end of <paramref name="input"/></term><description>returns; the connection stays open</description></item>
    /// </list>
    /// telnetlib decodes received bytes as ASCII (and fails on others) and encodes lines as ASCII; RxTelnet uses
    /// Latin-1 both ways, so no byte is lost and no character fails (a character above U+00FF is sent as <c>?</c>).
    /// A line read still pending when the connection ends is abandoned: a console line typed afterwards is consumed by it.
    /// </remarks>
    public void Interact(TextReader input, TextWriter output) => InteractAsync(input, output).GetAwaiter().GetResult();

    /// <summary>Runs a very dumb terminal; see <see cref="Interact(TextReader, TextWriter)"/>.</summary>
    /// <param name="input">The lines to send.</param>
    /// <param name="output">Where received data is written.</param>
    /// <param name="cancellationToken">Ends the interaction.</param>
    /// <returns>A task that completes when the interaction ends.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="output"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    public Task InteractAsync(TextReader input, TextWriter output, CancellationToken cancellationToken = default)
    {
        // Bad arguments throw here, at the call, not on the returned task.
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        _ = RequireSocket();
        return InteractCoreAsync(input, output, cancellationToken);
    }

    private async Task InteractCoreAsync(TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var received = CopyReceivedAsync(output, stop.Token);

        // Read lines off the calling thread: a console's ReadLineAsync blocks, and the peer may close meanwhile.
        var sent = Task.Run(() => CopyLinesAsync(input, stop.Token), CancellationToken.None);
        if (await Task.WhenAny(received, sent).ConfigureAwait(false) == sent)
        {
            if (await sent.ConfigureAwait(false))
            {
                // A line could not be sent because the connection closed: let the copy report the end.
                await received.ConfigureAwait(false);
                return;
            }

            // End of input: telnetlib returns at once and leaves the connection open.
            await stop.CancelAsync().ConfigureAwait(false);
            await Quietly(received).ConfigureAwait(false);
            return;
        }

        // The peer closed. A console read may never return: stop waiting for it and only observe its outcome.
        await stop.CancelAsync().ConfigureAwait(false);
        _ = sent.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        await received.ConfigureAwait(false);
    }

    /// <summary>Runs a very dumb terminal over the console with a receiving thread (telnetlib's <c>mt_interact</c>); see <see cref="MtInteract(TextReader, TextWriter)"/>.</summary>
    public void MtInteract() => MtInteract(Console.In, Console.Out);

    /// <summary>
    /// Runs a very dumb terminal with a separate receiving thread (telnetlib's <c>mt_interact</c>): a background task
    /// copies what the connection receives to <paramref name="output"/> (writing <see cref="ConnectionClosedMessage"/> at
    /// end of stream) while the calling thread sends each line of <paramref name="input"/>, until <paramref name="input"/> ends; blocks.
    /// </summary>
    /// <param name="input">The lines to send; each goes out with <c>"\n"</c> appended, IAC doubled.</param>
    /// <param name="output">Where received data is written (as Latin-1 text).</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> or <paramref name="output"/> is null.</exception>
    /// <exception cref="TelnetClosedException">The instance was never connected.</exception>
    /// <remarks>
    /// As in telnetlib, the end of the connection does not end the loop: it ends at the end of <paramref name="input"/>,
    /// or (where telnetlib would raise <c>OSError</c>) at the first line that cannot be sent because the connection is
    /// closed. The receiving task is stopped before this method returns, so later reads are not disturbed.
    /// </remarks>
    public void MtInteract(TextReader input, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        _ = RequireSocket();
        using var stop = new CancellationTokenSource();
        var listener = Task.Run(() => CopyReceivedAsync(output, stop.Token), CancellationToken.None);
        try
        {
            while (input.ReadLine() is { } line)
            {
                if (!TrySendLine(line))
                {
                    break;
                }
            }
        }
        finally
        {
            stop.Cancel();
            Quietly(listener).GetAwaiter().GetResult();
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task CopyReceivedAsync(TextWriter output, CancellationToken cancellationToken)
    {
        while (true)
        {
            byte[] data;
            try
            {
                data = await ReadSomeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (TelnetEofException)
            {
                data = [];
            }

            if (data.Length == 0)
            {
                await output.WriteLineAsync(ConnectionClosedMessage).ConfigureAwait(false);
                await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }

            await output.WriteAsync(Encoding.Latin1.GetString(data)).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <returns>true when a line could not be sent because the connection closed; false at the end of input.</returns>
    private async Task<bool> CopyLinesAsync(TextReader input, CancellationToken cancellationToken)
    {
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (!await TrySendLineAsync(line).ConfigureAwait(false))
            {
                return true;
            }
        }

        return false;
    }

    private bool TrySendLine(string line) => TrySendLineAsync(line).GetAwaiter().GetResult();

    private async Task<bool> TrySendLineAsync(string line)
    {
        try
        {
            await WriteAsync(Encoding.Latin1.GetBytes(line + "\n")).ConfigureAwait(false);
            return true;
        }
        catch (TelnetClosedException) when (Eof)
        {
            return false;
        }
    }
}
