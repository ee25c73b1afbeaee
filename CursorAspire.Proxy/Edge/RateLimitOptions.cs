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
    /// Failed authentications one client address may make per minute before its wrong or missing keys get 429 instead
    /// of 401 for the rest of the minute; a right key from it is always served. The address is the connection's, or
    /// what a trusted hop names (<c>Proxy:ForwardedHeaders</c>); IPv6 counts per /64. 0 turns it off.
    /// </summary>
    public int FailedAuthenticationsPerMinute { get; set; } = 30;
}
