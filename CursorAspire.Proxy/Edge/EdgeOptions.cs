namespace CursorAspire.Proxy.Edge;

/// <summary>
/// What guards the public URL per request, bound from the <c>Proxy</c> section: the body limit, the per-key limits, the
/// check's secret and the hops trusted to name the client.
/// </summary>
public sealed class EdgeOptions
{
    public const long DefaultMaxRequestBodyBytes = 32L * 1024 * 1024;

    /// <summary>Largest accepted request body (<c>Proxy:MaxRequestBodyBytes</c>). Agent-mode bodies run to several MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Per-key request limits (<c>Proxy:RateLimit</c>), applied by the rate limiter.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();

    /// <summary>
    /// The secret "Check as Cursor" signs its requests with (<c>Proxy:CheckSecret</c>; the AppHost generates it):
    /// only a request with a valid proof counts apart from its key's budget (<see cref="CheckProofs"/>). Unset: every
    /// request counts against the budget.
    /// </summary>
    public string? CheckSecret { get; set; }

    /// <summary>Whose word the proxy takes for the client's address (<c>Proxy:ForwardedHeaders</c>).</summary>
    public ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();
}
