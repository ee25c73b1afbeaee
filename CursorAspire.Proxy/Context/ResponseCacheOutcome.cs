namespace CursorAspire.Proxy.Context;

/// <summary>What the response cache did with one request.</summary>
public enum ResponseCacheOutcome
{
    /// <summary>The cache middleware has not (yet) seen the request.</summary>
    None = 0,

    /// <summary>Served from the cache (the store, or a concurrent identical request's upstream call).</summary>
    Hit,

    /// <summary>Looked up, not found; the upstream answered (and the answer was stored unless forbidden or invalid).</summary>
    Miss,

    /// <summary>The cache was not consulted: disabled, <c>no-cache</c>, non-deterministic request, or no partition.</summary>
    Bypass,

    /// <summary>The store could not be read (timeout, outage, open breaker); the upstream answered.</summary>
    Error,
}
