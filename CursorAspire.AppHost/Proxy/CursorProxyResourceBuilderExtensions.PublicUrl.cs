using CursorAspire.Contracts;

namespace Aspire.Hosting;

/// <summary>The proxy's public URL: fixed, or a tunnel's.</summary>
public static partial class CursorProxyResourceBuilderExtensions
{
    /// <summary>
    /// A public URL known before start (your own domain or reverse proxy): the proxy gets it as
    /// <c>Proxy__PublicBaseUrl</c> and the Cursor setup text uses it. Published, the proxy's HTTP endpoint is external, for that ingress.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="publicBaseUrl">An absolute https URL.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithPublicBaseUrl(this IResourceBuilder<CursorProxyResource> proxy, string publicBaseUrl)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (!Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"The public base URL '{publicBaseUrl}' must be an absolute https URL (Cursor refuses anything else).", nameof(publicBaseUrl));
        }

        var url = publicBaseUrl.TrimEnd('/');
        return proxy
            .WithAnnotation(new PublicBaseUrlAnnotation(() => url), ResourceAnnotationMutationBehavior.Replace)
            .WithEnvironment(ProxyConfigurationKeys.PublicBaseUrl, url)
            .PublishBehindIngress();
    }

    /// <summary>
    /// The seam for a tunnel whose URL is only known at run time: the Cursor setup text asks
    /// <paramref name="currentPublicUrl"/> when the proxy is ready. It does not set <c>Proxy__PublicBaseUrl</c>;
    /// the tunnel integration does (CursorAspire.Tunnel's <c>WithTunnelPublicUrl</c>).
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="currentPublicUrl">Returns the public base URL now, or <see langword="null"/> while there is none.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithCursorPublicUrl(this IResourceBuilder<CursorProxyResource> proxy, Func<string?> currentPublicUrl)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(currentPublicUrl);
        return proxy.WithAnnotation(new PublicBaseUrlAnnotation(currentPublicUrl), ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// Puts the proxy behind <paramref name="tunnel"/>: <c>Proxy__PublicBaseUrl</c> follows the tunnel's public URL
    /// (the proxy restarts when a quick tunnel's URL changes) and the Cursor setup text gives that URL. Published, only a named
    /// tunnel goes with it (its URL fixed); behind a quick one the proxy is published on the platform's ingress instead.
    /// </summary>
    /// <param name="proxy">The proxy.</param>
    /// <param name="tunnel">The tunnel whose target is the proxy's endpoint.</param>
    /// <returns>The proxy builder.</returns>
    public static IResourceBuilder<CursorProxyResource> WithPublicTunnel(this IResourceBuilder<CursorProxyResource> proxy, IResourceBuilder<ICloudflareTunnelResource> tunnel)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        ArgumentNullException.ThrowIfNull(tunnel);
        if (!tunnel.Resource.Tunnel.IsNamedTunnel)
        {
            proxy.PublishBehindIngress(CursorProxyPublishingExtensions.NoPublishedTunnelWarning); // a quick tunnel is never published
        }

        return proxy
            .WithTunnelPublicUrl(tunnel, ProxyConfigurationKeys.PublicBaseUrl)
            .WithCursorPublicUrl(() => tunnel.Resource.Tunnel.PublicUrl?.ToString())
            // cloudflared is the hop in front: its CF-Connecting-IP (from loopback) names the client for the proxy's
            // failed-authentication throttle. Never set with a front end of the user's own, where anyone could send it.
            .WithEnvironment(ProxyConfigurationKeys.ForwardedByCloudflared, "true");
    }
}
