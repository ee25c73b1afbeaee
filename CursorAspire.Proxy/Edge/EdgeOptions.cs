namespace CursorAspire.Proxy.Edge;

/// <summary>What guards the public URL per request, bound from the <c>Proxy</c> section: the body limit and the per-key limits.</summary>
public sealed class EdgeOptions
{
    public const long DefaultMaxRequestBodyBytes = 32L * 1024 * 1024;

    /// <summary>Largest accepted request body (<c>Proxy:MaxRequestBodyBytes</c>). Agent-mode bodies run to several MB.</summary>
    public long MaxRequestBodyBytes { get; set; } = DefaultMaxRequestBodyBytes;

    /// <summary>Per-key request limits (<c>Proxy:RateLimit</c>), applied by the rate limiter.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();
}
