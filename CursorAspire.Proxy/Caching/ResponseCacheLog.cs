
namespace CursorAspire.Proxy.Caching;

/// <summary>Source-generated log messages of the response cache. Keys, prompts and partitions are never logged.</summary>
internal static partial class ResponseCacheLog
{
    [LoggerMessage(1, LogLevel.Warning, "Response cache store unavailable ({ErrorType}: {ErrorMessage}); the circuit breaker is open for {BreakDuration}. Requests go upstream without the cache meanwhile.")]
    public static partial void BreakerOpened(ILogger logger, string errorType, string errorMessage, TimeSpan breakDuration);

    [LoggerMessage(2, LogLevel.Information, "Response cache store reachable again; the circuit breaker closed.")]
    public static partial void BreakerClosed(ILogger logger);

    [LoggerMessage(3, LogLevel.Debug, "Response cache store {Operation} failed: {Reason}.")]
    public static partial void OperationFailed(ILogger logger, string operation, string reason);

    [LoggerMessage(4, LogLevel.Warning, "A cached response could not be read back ({ErrorMessage}); treating it as a miss.")]
    public static partial void EntryUnreadable(ILogger logger, string errorMessage);

    [LoggerMessage(5, LogLevel.Debug, "Response not stored: {Reason}.")]
    public static partial void NotStored(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "No Redis connection string 'ConnectionStrings:{ConnectionName}' is configured; the response cache uses process memory (entries are lost on restart and not shared between replicas).")]
    public static partial void UsingMemoryStore(ILogger logger, string connectionName);

    [LoggerMessage(7, LogLevel.Debug, "Another replica is answering an identical request; waiting for its answer.")]
    public static partial void WaitingForReplica(ILogger logger);

    [LoggerMessage(8, LogLevel.Debug, "A claim could not be renewed or released ({Reason}); another replica may call the upstream too.")]
    public static partial void ClaimLost(ILogger logger, string reason);
}
