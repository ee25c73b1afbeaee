using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Endpoints;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Rewrite;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy;

/// <summary>
/// Composition of the proxy: which services exist and in what order the HTTP stages run. Tests build the same
/// application with their own configuration and a loopback port.
/// </summary>
public static class ProxyApplication
{
    /// <summary>Name of the Aspire Redis resource whose connection string backs <c>IDistributedCache</c>.</summary>
    public const string CacheConnectionName = "cache";

    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        configure?.Invoke(builder);
        builder.AddServiceDefaults();
        builder.AddProxyServices();

        var app = builder.Build();
        app.UseProxyPipeline();
        return app;
    }

    public static WebApplicationBuilder AddProxyServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ProxyOptions>()
            .Bind(builder.Configuration.GetSection(ProxyOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<ProxyOptions>, ProviderEndpointFromConnectionString>();
        services.AddSingleton(TimeProvider.System);

        // Edge
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

        // Routing and providers
        services.AddSingleton<ModelRouter>();
        services.AddUpstreamHttpClient();
        services.AddSingleton<ContextWindowPlanner>();
        services.AddSingleton<IUpstreamChatClientFactory, OllamaUpstreamFactory>();
        services.AddSingleton<IUpstreamChatClientFactory, OpenAIUpstreamFactory>();
        services.AddSingleton<IUpstreamChatClientFactory, AnthropicUpstreamFactory>();
        services.AddSingleton<UpstreamChatClients>();

        // Response cache (its own keyed store) as a pipeline stage between telemetry and the provider.
        services.AddResponseCache(builder.Configuration, CacheConnectionName);
        services.AddSingleton<IChatPipelineStage, ResponseCacheStage>();

        // Conversation store: Redis when the AppHost provides one, else in-process memory.
        if (!string.IsNullOrEmpty(builder.Configuration.GetConnectionString(CacheConnectionName)))
        {
            builder.AddRedisClient(CacheConnectionName);
            services.AddStackExchangeRedisCache(_ => { });
            services.AddOptions<Microsoft.Extensions.Caching.StackExchangeRedis.RedisCacheOptions>()
                .Configure<IServiceProvider>((redis, sp) =>
                    redis.ConnectionMultiplexerFactory = () => Task.FromResult(sp.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>()));
        }
        else
        {
            services.AddDistributedMemoryCache();
        }

        // Endpoints
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<UpstreamTurns>();
        services.AddSingleton<ChatCompletionsEndpoint>();

        // Stored conversations of the Responses API (previous_response_id), in the same IDistributedCache.
        services.AddOptions<ConversationOptions>()
            .Bind(builder.Configuration.GetSection(ConversationOptions.SectionName))
            .Validate(o => o.Ttl > TimeSpan.Zero, $"{ConversationOptions.SectionName}:Ttl must be a positive time span, e.g. 7.00:00:00.")
            .ValidateOnStart();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ConversationContinuation>();
        services.AddSingleton<ResponsesEndpoint>();
        return builder;
    }

    public static WebApplication UseProxyPipeline(this WebApplication app)
    {
        app.UseMiddleware<OpenAIErrorMiddleware>();
        app.UseStatusCodePages(ProxyEndpoints.WriteStatusCodeErrorAsync);
        app.UseCors();
        app.Use(ProxyEndpoints.AnswerOptions);
        app.UseRewriter(ProxyEndpoints.AnyPrefixRewrite());
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapDefaultEndpoints();
        app.MapProxyEndpoints();
        app.LogStartupSummary();
        return app;
    }

    private static void LogStartupSummary(this WebApplication app)
    {
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var options = app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value;
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.Proxy");
            foreach (var alias in options.Models.Keys)
            {
                if (CursorModelNames.FindConflict(alias) is { } conflict)
                {
                    logger.LogWarning("Model alias {Alias} collides with Cursor's own names ({Conflict}); Cursor may not send it here. Pick another alias.", alias, conflict);
                }
            }
            logger.LogInformation("CursorAspire proxy serving {Count} model(s): {Models}. Public base URL: {PublicBaseUrl}",
                options.Models.Count, string.Join(", ", options.Models.Keys), options.PublicBaseUrl is { Length: > 0 } url ? $"{url.TrimEnd('/')}/v1" : "(none yet; Cursor cannot reach localhost)");
        });
    }
}
