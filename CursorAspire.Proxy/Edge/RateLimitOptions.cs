namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Per-key limits: <c>Proxy:RateLimit</c>. The proxy sits on a public URL, so a leaked key must not be able to
/// drain a paid upstream account at full speed. Generous defaults: one person's Cursor agent stays far below them.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>
    /// Requests a key may make per UTC minute, counted in the proxy's store so replicas sharing Redis enforce one limit
    /// (each process on its own while Redis is down). 0 turns it off.
    /// </summary>
    public int RequestsPerMinute { get; set; } = 600;

    /// <summary>Requests a key may have in flight at once, per proxy process. 0 turns it off.</summary>
    public int ConcurrentRequests { get; set; } = 32;

    /// <summary>
    /// Failed authentications one client address may make per minute before its requests are refused (429) without
    /// looking at the key. Behind the tunnel the address is Cloudflare's <c>CF-Connecting-IP</c>. 0 turns it off.
    /// </summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 30;
}
