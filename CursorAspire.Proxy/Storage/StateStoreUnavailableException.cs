namespace CursorAspire.Proxy.Storage;

/// <summary>The stored state could not be read or written: Redis failed, timed out, or its breaker is open.</summary>
public sealed class StateStoreUnavailableException(string operation, string reason, Exception? inner)
    : Exception($"The proxy's store (Redis) is unavailable: {operation} {reason}.", inner)
{
    /// <summary><c>read</c> or <c>write</c>.</summary>
    public string Operation { get; } = operation;

    /// <summary><c>breaker_open</c>, <c>timeout</c> or <c>exception</c>.</summary>
    public string Reason { get; } = reason;

    /// <summary>
    /// Whether the operation may have reached Redis and taken effect there all the same (it timed out or failed on its
    /// way back): only an open breaker proves it never left the proxy. A write retried later must then be one Redis
    /// can tell from the first (the usage scripts carry an id).
    /// </summary>
    public bool MayHaveRun => Reason != "breaker_open";
}
