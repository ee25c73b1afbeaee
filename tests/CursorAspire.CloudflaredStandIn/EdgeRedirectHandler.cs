namespace CursorAspire.CloudflaredStandIn;

/// <summary>
/// Sends requests for <c>https://*.trycloudflare.com</c> (and any named-tunnel hostnames given) to the stand-in's
/// loopback edge instead, keeping the Host header, the way DNS and Cloudflare's edge would deliver them to the tunnel.
/// Test-only: production resolves the real name.
/// </summary>
public sealed class EdgeRedirectHandler(int edgePort, params string[] namedHosts) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri!;
        if (original.Host.EndsWith(".trycloudflare.com", StringComparison.OrdinalIgnoreCase)
            || namedHosts.Contains(original.Host, StringComparer.OrdinalIgnoreCase))
        {
            request.Headers.Host = original.Host;
            request.RequestUri = new UriBuilder(original) { Scheme = "http", Host = "127.0.0.1", Port = edgePort }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
