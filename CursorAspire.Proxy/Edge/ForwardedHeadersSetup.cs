using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// ASP.NET Core's forwarded-headers middleware, set from <see cref="ForwardedHeadersSettings"/>: <c>CF-Connecting-IP</c>
/// from loopback only when cloudflared is the hop in front, <c>X-Forwarded-For</c> only from configured proxies, else
/// nothing (the connection's address stands).
/// </summary>
public sealed class ForwardedHeadersSetup(IOptions<EdgeOptions> edge) : IConfigureOptions<ForwardedHeadersOptions>
{
    /// <summary>The header cloudflared sets to the client's address.</summary>
    public const string CloudflareClientHeader = "CF-Connecting-IP";

    public void Configure(ForwardedHeadersOptions options)
    {
        var settings = edge.Value.ForwardedHeaders;
        // The defaults trust loopback; here only what the settings name is trusted.
        options.KnownProxies.Clear();
        options.KnownIPNetworks.Clear();
        options.ForwardedHeaders = ForwardedHeaders.None;
        foreach (var entry in settings.KnownProxies)
        {
            if (System.Net.IPNetwork.TryParse(entry, out var network) && entry.Contains('/', StringComparison.Ordinal))
            {
                options.KnownIPNetworks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                options.KnownProxies.Add(address);
            }
        }
        if (settings.Cloudflared)
        {
            options.KnownProxies.Add(IPAddress.Loopback);
            options.KnownProxies.Add(IPAddress.IPv6Loopback);
            options.ForwardedForHeaderName = CloudflareClientHeader;
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
        }
        else if (settings.KnownProxies.Count > 0)
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
        }
    }
}
