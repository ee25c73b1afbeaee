using CursorAspire.Proxy.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;

namespace CursorAspire.Proxy.Edge;

/// <summary>Registers what guards the public URL: client addresses, API-key authentication, per-key limits, CORS and the body limit.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>The CORS policy of the model endpoints (Cursor's desktop app calls Verify and /models from a browser engine).</summary>
    public const string CursorCorsPolicy = "cursor";

    public static WebApplicationBuilder AddProxyEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Behind the tunnel every request comes from cloudflared on loopback; Cloudflare names the real client in
        // CF-Connecting-IP. Only loopback (the default known proxies) is trusted to set it.
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            forwarded.ForwardedForHeaderName = "CF-Connecting-IP";
        });
        services.AddValidatedOptions<EdgeOptions, EdgeOptionsValidator>(builder.Configuration.GetSection(ProxyOptions.SectionName));
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<FailedAuthentications>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        // Every endpoint needs a key unless it says it is anonymous: a new endpoint cannot be left open by mistake.
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        services.AddPerKeyRateLimiting(builder.Configuration);
        services.AddCors(cors => cors.AddPolicy(CursorCorsPolicy, policy => policy
            // Reflect the caller's origin (Cursor's desktop app) without credentials: never '*' with credentials.
            .SetIsOriginAllowed(_ => true)
            .AllowAnyHeader()
            .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Options)
            .SetPreflightMaxAge(TimeSpan.FromDays(1))));
        // The body limit is applied per request from Proxy:MaxRequestBodyBytes (RequestBodyLimits).
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = null);
        return builder;
    }
}
