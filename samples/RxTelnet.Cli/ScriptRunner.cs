namespace RxTelnet.Cli;

using System.Globalization;
using System.Text.RegularExpressions;
using RxTelnet.Session;

/// <summary>Runs <c>--script</c> steps against a session; received data goes to the output as it arrives.</summary>
public static class ScriptRunner
{
    /// <summary>Exit code when an <c>expect</c> timed out or the connection ended before it matched.</summary>
    public const int ExpectFailed = 2;

    /// <summary>
    /// Runs <paramref name="steps"/>. The transcript is what each <c>expect</c> consumed, written as it matches
    /// (and, when one fails, everything that had arrived), so it is complete and in order.
    /// </summary>
    /// <returns>0 when every step passed, <see cref="ExpectFailed"/> otherwise.</returns>
    public static async Task<int> RunAsync(
        TelnetSession session,
        IReadOnlyList<ScriptStep> steps,
        TimeSpan timeout,
        TextSink output,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        foreach (var step in steps)
        {
            switch (step)
            {
                case TimeoutStep t:
                    timeout = t.Timeout;
                    break;

                case SendStep s:
                    await session.WriteTextAsync(s.Text, cancellationToken: cancellationToken).ConfigureAwait(false);
                    break;

                case ExpectStep e:
                    ExpectResult result;
                    try
                    {
                        result = await session.ExpectAsync([e.Pattern], timeout, cancellationToken).ConfigureAwait(false);
                    }
                    catch (TelnetEofException)
                    {
                        result = new ExpectResult(-1, null, []);
                    }

                    output.WriteBytes(result.Data, session.TextEncoding);
                    if (!result.IsMatch)
                    {
                        var why = session.IsEof
                            ? $"the connection closed before /{e.Pattern}/ matched"
                            : $"timed out after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s waiting for /{e.Pattern}/";
                        await error.WriteLineAsync($"{Environment.NewLine}rxtelnet: script line {e.Line}: {why}").ConfigureAwait(false);
                        return ExpectFailed;
                    }

                    break;
            }
        }

        return 0;
    }
}
