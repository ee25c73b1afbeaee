namespace CursorAspire.Proxy.Context;

/// <summary>
/// The response cache's scope for one request: the caller's partition and <c>Cache-Control</c>, and the slot where the
/// cache reports what it did. The intake creates one per request and puts it on the request's
/// <see cref="ChatCallContext"/>; after the call the outcome is written as <c>x-cache</c>.
/// </summary>
/// <remarks>
/// Without a scope the cache is bypassed: with no partition it cannot keep one API key's answers from another's.
/// </remarks>
public sealed class ResponseCacheScope
{
    /// <summary>Creates a scope for the given partition.</summary>
    /// <param name="partition">Identity of the caller's API key (for example a hash of it); never the key itself.</param>
    public ResponseCacheScope(string partition)
    {
        ArgumentException.ThrowIfNullOrEmpty(partition);
        Partition = partition;
    }

    /// <summary>The caller's identity; part of the cache key so one caller never sees another's answers.</summary>
    public string Partition { get; }

    /// <summary><c>Cache-Control: no-cache</c>: do not answer from the cache (the fresh answer may still be stored).</summary>
    public bool NoCache { get; init; }

    /// <summary><c>Cache-Control: no-store</c>: do not store the answer.</summary>
    public bool NoStore { get; init; }

    /// <summary>
    /// Whether the routed model allows caching (<c>Proxy:Models:&lt;alias&gt;:Cache</c>), for endpoints that share one
    /// pipeline between aliases. Default <see langword="true"/>.
    /// </summary>
    public bool ModelAllowsCaching { get; init; } = true;

    /// <summary>
    /// Filled by the middleware. Non-streaming: final when the call returns. Streaming: final before the first
    /// update is yielded (and set even when the stream yields nothing).
    /// </summary>
    public ResponseCacheOutcome Outcome { get; internal set; }

    /// <summary>
    /// Set while the request waits for an identical request's upstream call (in this process or another replica): a
    /// stream that opens meanwhile (<c>Proxy:StreamOpenAfter</c>) says <c>x-cache: HIT</c>, since the answer it waits for
    /// is shared. Only the header reads it: usage is settled by <see cref="Outcome"/>, known once the wait ends.
    /// </summary>
    internal bool AwaitingSharedAnswer { get; set; }

    /// <summary>
    /// The <c>x-cache</c> header value for <see cref="Outcome"/>: <c>HIT</c>, <c>MISS</c>, <c>BYPASS</c>
    /// (<see cref="ResponseCacheOutcome.Error"/> is reported as <c>BYPASS</c>: the store was not usable), or
    /// <see langword="null"/> when the middleware never saw the request. A stream opened while waiting for a shared
    /// answer says <c>HIT</c> (if that call then fails, this request goes upstream after the header went out).
    /// </summary>
    public string? XCacheHeaderValue => Outcome switch
    {
        ResponseCacheOutcome.Hit => "HIT",
        ResponseCacheOutcome.None when AwaitingSharedAnswer => "HIT",
        ResponseCacheOutcome.Miss => "MISS",
        ResponseCacheOutcome.Bypass or ResponseCacheOutcome.Error => "BYPASS",
        _ => null,
    };

    /// <summary>
    /// Builds a scope from the values of the <c>Cache-Control</c> request header(s). Directives are matched
    /// case-insensitively; unknown directives are ignored.
    /// </summary>
    /// <param name="partition">Identity of the caller's API key.</param>
    /// <param name="cacheControlValues">The raw header values (may be empty or <see langword="null"/>).</param>
    /// <param name="modelAllowsCaching">The routed model's cache switch.</param>
    public static ResponseCacheScope FromCacheControl(string partition, IEnumerable<string?>? cacheControlValues, bool modelAllowsCaching = true)
    {
        bool noCache = false, noStore = false;
        foreach (var value in cacheControlValues ?? [])
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                // "no-cache" may carry a field list (no-cache="x"); any form means "revalidate", i.e. do not serve from cache.
                var directive = part.Split('=', 2)[0].Trim();
                if (directive.Equals("no-cache", StringComparison.OrdinalIgnoreCase))
                {
                    noCache = true;
                }
                else if (directive.Equals("no-store", StringComparison.OrdinalIgnoreCase))
                {
                    noStore = true;
                }
            }
        }

        return new ResponseCacheScope(partition) { NoCache = noCache, NoStore = noStore, ModelAllowsCaching = modelAllowsCaching };
    }

    /// <summary>Describes the scope without its partition, which identifies an API key and must stay out of logs and spans.</summary>
    public override string ToString() => $"ResponseCacheScope(NoCache={NoCache}, NoStore={NoStore}, ModelAllowsCaching={ModelAllowsCaching}, Outcome={Outcome})";
}
