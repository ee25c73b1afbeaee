namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>Every log entry written through it, for assertions on what is (not) logged and how often.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>Each entry as one line: level, category, message and exception.</summary>
    public IEnumerable<string> Lines => _entries.Select(e => e.ToString());

    public string All => string.Join('\n', Lines);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(logLevel, eventId, category, formatter(state, exception), exception));
    }
}

public sealed record LogEntry(LogLevel Level, EventId Id, string Category, string Message, Exception? Exception)
{
    public override string ToString() => $"{Level} {Category}: {Message} {Exception}";
}
