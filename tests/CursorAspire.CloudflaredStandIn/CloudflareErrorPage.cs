using System.Net;

namespace CursorAspire.CloudflaredStandIn;

/// <summary>
/// What Cloudflare's edge answers for a hostname with no live tunnel behind it: HTTP 530, error 1033. A browser gets
/// Cloudflare's HTML error page; other clients get the plain <c>error code: 1033</c>. Both carry Cloudflare's
/// <c>Server</c> and <c>CF-RAY</c> headers.
/// </summary>
internal static class CloudflareErrorPage
{
    public static Task WriteNoTunnelAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = 530;
        response.Headers.Server = "cloudflare";
        response.Headers["CF-RAY"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8)).ToLowerInvariant() + "-FRA";
        var wantsHtml = context.Request.Headers.Accept.Any(a => a?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);
        if (!wantsHtml)
        {
            response.ContentType = "text/plain; charset=UTF-8";
            return response.WriteAsync("error code: 1033");
        }

        var host = WebUtility.HtmlEncode(context.Request.Host.Host);
        response.ContentType = "text/html; charset=UTF-8";
        return response.WriteAsync($$"""
            <!DOCTYPE html>
            <html lang="en-US">
            <head><title>Cloudflare Tunnel error | {{host}} | Cloudflare</title></head>
            <body>
              <div id="cf-wrapper">
                <h1><span class="cf-error-type">Error</span> <span class="cf-error-code">1033</span></h1>
                <h2 class="cf-subheadline">Cloudflare Tunnel error</h2>
                <p>You've requested a page on a website ({{host}}) that is on the Cloudflare network. The host is configured as a
                Cloudflare Tunnel, and Cloudflare is currently unable to resolve it.</p>
              </div>
            </body>
            </html>
            """);
    }
}
