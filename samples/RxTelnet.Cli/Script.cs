namespace RxTelnet.Cli;

using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

/// <summary>One step of a <c>--script</c> file.</summary>
public abstract record ScriptStep(int Line);

/// <summary><c>expect REGEX</c>: wait until the output matches.</summary>
public sealed record ExpectStep(int Line, Regex Pattern) : ScriptStep(Line);

/// <summary><c>send TEXT</c>: send the text and a newline (no newline when it ends in <c>\c</c>).</summary>
public sealed record SendStep(int Line, string Text) : ScriptStep(Line);

/// <summary><c>timeout SECONDS</c>: how long the following <c>expect</c> steps wait.</summary>
public sealed record TimeoutStep(int Line, TimeSpan Timeout) : ScriptStep(Line);

/// <summary>A script file that is not valid.</summary>
public sealed class ScriptException(string message) : Exception(message);

/// <summary>Parses the <c>--script</c> format: one step a line, <c>#</c> comments and blank lines ignored.</summary>
public static class Script
{
    public static IReadOnlyList<ScriptStep> Parse(string text, string name = "script")
    {
        var steps = new List<ScriptStep>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var number = i + 1;
            var line = lines[i].TrimEnd('\r');
            if (line.TrimStart().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            line = line.TrimStart();
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var keyword = space < 0 ? line : line[..space];
            var argument = space < 0 ? string.Empty : line[(space + 1)..];
            steps.Add(keyword switch
            {
                "expect" when argument.Length > 0 => new ExpectStep(number, ParseRegex(argument, name, number)),
                "expect" => throw new ScriptException($"{name}:{number}: 'expect' needs a regular expression"),
                "send" => new SendStep(number, Unescape(argument, name, number)),
                "timeout" => new TimeoutStep(number, ParseTimeout(argument, name, number)),
                _ => throw new ScriptException($"{name}:{number}: unknown step '{keyword}' (expected expect, send or timeout)"),
            });
        }

        return steps;
    }

    /// <summary>Turns <c>\r \n \t \e \\ \xHH</c> into their characters and a final <c>\c</c> into "no newline"; appends the newline otherwise.</summary>
    public static string Unescape(string text, string name = "script", int line = 0)
    {
        var sb = new StringBuilder(text.Length + 1);
        var newline = true;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c != '\\')
            {
                sb.Append(c);
                continue;
            }

            if (++i >= text.Length)
            {
                throw new ScriptException($"{name}:{line}: a lone backslash ends the line (write \\\\ for one)");
            }

            switch (text[i])
            {
                case 'r': sb.Append('\r'); break;
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case 'e': sb.Append('\x1b'); break;
                case '\\': sb.Append('\\'); break;
                case 'c' when i == text.Length - 1: newline = false; break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b) && b < 0x80:
                    sb.Append((char)b);
                    i += 2;
                    break;
                default:
                    throw new ScriptException($"{name}:{line}: unknown escape '\\{text[i]}' (use \\r \\n \\t \\e \\\\ \\xHH (00-7F), or \\c at the end for no newline)");
            }
        }

        if (newline)
        {
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static Regex ParseRegex(string pattern, string name, int line)
    {
        try
        {
            return new Regex(pattern, RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            throw new ScriptException($"{name}:{line}: invalid regular expression '{pattern}': {e.Message}");
        }
    }

    private static TimeSpan ParseTimeout(string text, string name, int line) =>
        double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 86400
            ? TimeSpan.FromSeconds(seconds)
            : throw new ScriptException($"{name}:{line}: invalid timeout '{text.Trim()}' (expected seconds, for example 'timeout 5' or 'timeout 0.5')");
}
