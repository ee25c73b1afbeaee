using CursorAspire.Proxy.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace CursorAspire.Proxy.Edge;

/// <summary>Registers what guards the public URL: client addresses, API-key authentication, per-key limits, CORS and the body limit.</summary>
public static class EdgeServiceCollectionExtensions
{
    /// <summary>The CORS policy of the model endpoints (Cursor's desktop app calls Verify and /models from a browser engine).</summary>
    public const string CursorCorsPolicy = "cursor";

    public static WebApplicationBuilder AddProxyEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddValidatedOptions<EdgeOptions, EdgeOptionsValidator>(builder.Configuration.GetSection(ProxyOptions.SectionName));
        // Who may name the client: cloudflared's CF-Connecting-IP, your own proxies' X-Forwarded-For, else nobody.
        services.AddSingleton<IConfigureOptions<ForwardedHeadersOptions>, ForwardedHeadersSetup>();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<FailedAuthentications>();
        services.AddSingleton<CheckProofs>();
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
