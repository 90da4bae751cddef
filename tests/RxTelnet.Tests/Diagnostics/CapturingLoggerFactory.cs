namespace RxTelnet.Tests.Diagnostics;

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

/// <summary>An <see cref="ILoggerFactory"/> that keeps every entry at or above a level, for assertions.</summary>
internal sealed class CapturingLoggerFactory(LogLevel minimum = LogLevel.Trace) : ILoggerFactory
{
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public IEnumerable<Entry> WithId(int eventId) => Entries.Where(e => e.EventId.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    internal sealed record Entry(string Category, LogLevel Level, EventId EventId, string Message, IReadOnlyDictionary<string, object?> State, Exception? Exception);

    private sealed class Logger(CapturingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner._minimum;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? pairs.ToDictionary(p => p.Key, p => p.Value)
                : new Dictionary<string, object?>();
            owner.Entries.Enqueue(new Entry(category, logLevel, eventId, formatter(state, exception), values, exception));
        }
    }

    private readonly LogLevel _minimum = minimum;
}
