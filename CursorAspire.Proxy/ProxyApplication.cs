using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Endpoints;
using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Storage;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;

namespace CursorAspire.Proxy;

/// <summary>
/// Composition of the proxy: which services exist and in what order the HTTP stages run. Tests build the same
/// application with their own configuration and a loopback port.
/// </summary>
public static class ProxyApplication
{
    /// <summary>Name of the Aspire Redis resource whose connection string backs the caches and stored state.</summary>
    public const string CacheConnectionName = ProxyConnectionNames.Cache;

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

    /// <summary>One registration per stage, in the order a request meets them.</summary>
    public static WebApplicationBuilder AddProxyServices(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        builder.Services.AddProxyOptions(configuration);
        // On SIGTERM, streams in flight get Proxy:ShutdownTimeout to finish.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<Configuration.ProxyOptions>>((host, proxy) =>
            host.ShutdownTimeout = proxy.Value.ShutdownTimeout);
        builder.AddProxyEdge();
        builder.Services
            .AddProxyRouting()
            .AddProxyProviders()
            .AddProxyPipeline()
            .AddProxyCalls(configuration)
            .AddResponseCache(configuration, CacheConnectionName)
            .AddReasoningContinuity(configuration)
            .AddConversations(configuration)
            .AddUsage()
            .AddProxyTelemetry()
            .AddProxyEndpoints(configuration);
        builder.AddProxyStateStore(CacheConnectionName);
        return builder;
    }

    /// <summary>The HTTP stages, outermost first.</summary>
    public static WebApplication UseProxyPipeline(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseMiddleware<OpenAIErrorMiddleware>();
        app.UseStatusCodePages(ProxyEndpoints.WriteStatusCodeErrorAsync);
        // Before CORS: the model endpoints' CORS policy must see the endpoint the rewritten path routes to.
        app.UseRewriter(ProxyEndpoints.AnyPrefixRewrite());
        app.UseCors();
        app.Use(ProxyEndpoints.AnswerOptions);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<KeyNameScope>();
        app.UseRateLimiter();
        app.MapDefaultEndpoints();
        app.MapProxyEndpoints();
        return app;
    }
}
