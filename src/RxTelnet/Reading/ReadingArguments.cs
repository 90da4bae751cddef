namespace RxTelnet.Reading;

using System.Reactive.Linq;
using System.Text.RegularExpressions;

/// <summary>Argument checks shared by the reading operators, so every operator reports bad input the same way.</summary>
internal static class ReadingArguments
{
    /// <summary>Throws unless the timeout is zero or more, or <see cref="Timeout.InfiniteTimeSpan"/>.</summary>
    /// <param name="timeout">The timeout.</param>
    /// <param name="paramName">The parameter name to report.</param>
    public static void ThrowIfInvalidTimeout(TimeSpan timeout, string paramName)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(paramName, timeout, "The time span must be zero or more, or Timeout.InfiniteTimeSpan to wait forever.");
        }
    }

    /// <summary>Copies a needle so later writes by the caller cannot change what is searched.</summary>
    /// <param name="needle">The bytes to find.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <returns>A private copy.</returns>
    public static byte[] CopyNeedle(ReadOnlyMemory<byte> needle, string paramName)
    {
        if (needle.IsEmpty)
        {
            throw new ArgumentException("The sequence to find must not be empty.", paramName);
        }

        return needle.ToArray();
    }

    /// <summary>Copies a pattern list, checking that it is usable by an incremental search.</summary>
    /// <param name="patterns">The patterns.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <returns>A private copy.</returns>
    public static Regex[] CopyPatterns(IReadOnlyList<Regex> patterns, string paramName)
    {
        ArgumentNullException.ThrowIfNull(patterns, paramName);
        if (patterns.Count == 0)
        {
            throw new ArgumentException("At least one pattern is needed.", paramName);
        }

        var copy = new Regex[patterns.Count];
        for (var i = 0; i < copy.Length; i++)
        {
            copy[i] = patterns[i] ?? throw new ArgumentException($"Pattern {i} is null.", paramName);
            if (copy[i].RightToLeft)
            {
                throw new ArgumentException($"Pattern {i} uses RegexOptions.RightToLeft, which an incremental search cannot honour.", paramName);
            }
        }

        return copy;
    }

    /// <summary>Compiles pattern strings with culture-invariant options.</summary>
    /// <param name="patterns">The pattern strings.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <returns>The compiled patterns.</returns>
    public static Regex[] CompilePatterns(IReadOnlyList<string> patterns, string paramName)
    {
        ArgumentNullException.ThrowIfNull(patterns, paramName);
        if (patterns.Count == 0)
        {
            throw new ArgumentException("At least one pattern is needed.", paramName);
        }

        var compiled = new Regex[patterns.Count];
        for (var i = 0; i < compiled.Length; i++)
        {
            var pattern = patterns[i] ?? throw new ArgumentException($"Pattern {i} is null.", paramName);
            try
            {
                compiled[i] = new Regex(pattern, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Pattern {i} is not a valid regular expression: {e.Message}", paramName, e);
            }
        }

        return compiled;
    }

    /// <summary>Throws unless a length limit is at least <paramref name="minimum"/>.</summary>
    /// <param name="value">The limit.</param>
    /// <param name="minimum">The smallest allowed limit.</param>
    /// <param name="paramName">The parameter name to report.</param>
    public static void ThrowIfLimitTooSmall(int value, int minimum, string paramName)
    {
        if (value < minimum)
        {
            throw new ArgumentOutOfRangeException(paramName, value, $"The limit must be at least {minimum}.");
        }
    }

    /// <summary>Views chunks as cooked data; a null array reads as an empty chunk rather than failing the read.</summary>
    /// <param name="source">The chunks.</param>
    /// <returns>The same chunks as memory.</returns>
    public static IObservable<ReadOnlyMemory<byte>> AsMemory(IObservable<byte[]> source) =>
        source.Select(static chunk => new ReadOnlyMemory<byte>(chunk));
}
