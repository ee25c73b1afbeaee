using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Settings of the response cache, bound from the configuration section <c>Proxy:Cache</c>
/// and validated at start-up by <see cref="ResponseCacheOptionsValidator"/>.
/// </summary>
public sealed class ResponseCacheOptions
{
    /// <summary>The configuration section these options are bound from.</summary>
    public const string SectionName = "Proxy:Cache";

    /// <summary>Whether responses are cached at all. Default <see langword="true"/>.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long a stored response lives in the store. Default 6 hours.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// Whether requests with a temperature above zero are cached too. Default <see langword="false"/>:
    /// a sampled answer replayed for a "regenerate" would defeat the point of asking again.
    /// </summary>
    public bool CacheNonDeterministic { get; set; }

    /// <summary>
    /// Whether a request that sets no temperature counts as deterministic. Default <see langword="false"/>:
    /// upstream defaults are usually 0.7–1.0, so an unspecified temperature is treated as sampling.
    /// Cursor's Chat Completions requests send <c>temperature: 0</c>; its Responses-shaped Agent requests
    /// send none, so turn this on (or let routing set an explicit per-model temperature) to cache those.
    /// </summary>
    public bool CacheUnspecifiedTemperature { get; set; }

    /// <summary>Upper bound on one store operation (read or write). Default 250 ms.</summary>
    public TimeSpan RedisTimeout { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Responses whose serialized form is larger than this are not stored. Default 4 MiB.</summary>
    public int MaxEntryBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// How long a replica's claim on a missed key lives in Redis unless renewed (<see cref="ResponseCacheClaims"/>). While
    /// the claimant's upstream call runs it renews the claim every third of this; identical requests on the other replicas
    /// wait for its answer. A claimant that dies stops renewing, so the others stop waiting within this (plus a third of
    /// it, how often they look again). Default 5 seconds.
    /// </summary>
    public TimeSpan ClaimTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Circuit breaker in front of the store.</summary>
    public BreakerOptions Breaker { get; set; } = new();
}
