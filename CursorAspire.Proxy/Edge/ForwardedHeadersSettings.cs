namespace CursorAspire.Proxy.Edge;

/// <summary>
/// Which hop in front of the proxy may name the client (<c>Proxy:ForwardedHeaders</c>), for the failed-authentication
/// throttle and the logs. Nobody, by default: a header any caller can send is no address.
/// </summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>
    /// <c>Proxy:ForwardedHeaders:Cloudflared</c>: cloudflared (the AppHost's tunnel) is the hop in front of the proxy, so
    /// <c>CF-Connecting-IP</c> from a connection on loopback (or from <see cref="KnownProxies"/>) names the client. The
    /// AppHost sets it when it runs the tunnel; with your own front end on the same machine it must stay off, or any
    /// local caller could name any address.
    /// </summary>
    public bool Cloudflared { get; set; }

    /// <summary>
    /// <c>Proxy:ForwardedHeaders:KnownProxies</c>: addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of your
    /// own reverse proxies, whose <c>X-Forwarded-For</c> names the client. Only these; loopback is not trusted unless
    /// listed.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];
}
