using System.Collections.Concurrent;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>What the AppHost logs to its console (every <see cref="ILogger"/> category), kept for assertions.</summary>
internal sealed class CapturedConsole : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _entries = new();

    /// <summary>The messages logged under <paramref name="category"/> so far.</summary>
    public IReadOnlyList<string> Messages(string category) => [.. _entries.Where(e => e.Category == category).Select(e => e.Message)];

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string, string)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, formatter(state, exception)));
    }
}
