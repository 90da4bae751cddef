namespace RxTelnet;

using System.Text.RegularExpressions;
using RxTelnet.Reading;

/// <summary>One pattern of <see cref="TelnetConversation.Expect{T}(TimeSpan, ExpectCase{T}[])"/> and what to do when it wins.</summary>
/// <typeparam name="T">What the continuation produces.</typeparam>
public sealed class ExpectCase<T>
{
    private readonly Func<ExpectResult, IObservable<T>> _then;

    /// <summary>Creates a case.</summary>
    /// <param name="pattern">The pattern; it sees the bytes as Latin-1 chars; not right-to-left.</param>
    /// <param name="then">What to do with the match; its first step sees the bytes after the match.</param>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> or <paramref name="then"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is right-to-left.</exception>
    public ExpectCase(Regex pattern, Func<ExpectResult, IObservable<T>> then)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(then);
        Pattern = ReadingArguments.CopyPatterns([pattern], nameof(pattern))[0];
        _then = then;
    }

    /// <summary>Gets the pattern.</summary>
    public Regex Pattern { get; }

    /// <summary>Runs the continuation for a match of <see cref="Pattern"/>.</summary>
    /// <param name="result">The match.</param>
    /// <returns>What the continuation returns.</returns>
    /// <exception cref="InvalidOperationException">The continuation returned null.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="result"/> is null.</exception>
    public IObservable<T> Continue(ExpectResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return _then(result) ?? throw new InvalidOperationException($"The continuation of /{Pattern}/ returned null instead of an observable.");
    }
}

/// <summary>Creates <see cref="ExpectCase{T}"/> values with the type inferred.</summary>
public static class ExpectCase
{
    /// <summary>Creates a case from a pattern given as a string (compiled culture-invariant).</summary>
    /// <typeparam name="T">What the continuation produces.</typeparam>
    /// <param name="pattern">The pattern; it sees the bytes as Latin-1 chars.</param>
    /// <param name="then">What to do with the match; its first step sees the bytes after the match.</param>
    /// <returns>The case.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> or <paramref name="then"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is not a valid regular expression.</exception>
    public static ExpectCase<T> On<T>(string pattern, Func<ExpectResult, IObservable<T>> then)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return new ExpectCase<T>(ReadingArguments.CompilePatterns([pattern], nameof(pattern))[0], then);
    }

    /// <summary>Creates a case from a compiled pattern.</summary>
    /// <typeparam name="T">What the continuation produces.</typeparam>
    /// <param name="pattern">The pattern; not right-to-left.</param>
    /// <param name="then">What to do with the match.</param>
    /// <returns>The case.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="pattern"/> or <paramref name="then"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="pattern"/> is right-to-left.</exception>
    public static ExpectCase<T> On<T>(Regex pattern, Func<ExpectResult, IObservable<T>> then) => new(pattern, then);
}
