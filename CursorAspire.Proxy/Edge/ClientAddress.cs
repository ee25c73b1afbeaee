namespace CursorAspire.Proxy.Edge;

/// <summary>The caller's address, after forwarded headers (behind the tunnel: Cloudflare's <c>CF-Connecting-IP</c>).</summary>
public static class ClientAddress
{
    public static string Of(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
