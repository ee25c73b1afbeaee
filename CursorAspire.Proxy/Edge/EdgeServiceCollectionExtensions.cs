using Microsoft.AspNetCore.Authentication;

namespace CursorAspire.Proxy.Edge;

/// <summary>Registers what guards the public URL: API-key authentication, per-key limits, CORS and the body limit.</summary>
public static class EdgeServiceCollectionExtensions
{
    public static WebApplicationBuilder AddProxyEdge(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<ApiKeyStore>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddPerKeyRateLimiting(builder.Configuration);
        services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
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
