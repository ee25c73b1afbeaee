using System.Net;

namespace CursorAspire.Proxy.Providers;

/// <summary>The HTTP client every upstream call goes through.</summary>
public static class UpstreamHttp
{
    public const string ClientName = "cursoraspire-upstream";

    /// <summary>The client for Ollama: the same, plus <see cref="UpstreamErrorBodyHandler"/>.</summary>
    public const string OllamaClientName = "cursoraspire-upstream-ollama";

    /// <summary>
    /// Registers the upstream HTTP client: no overall timeout (a stream lasts as long as the model writes), and
    /// <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0 so a cancelled stream closes the connection at once
    /// and the upstream stops generating, instead of being drained. Resilience comes from the service defaults
    /// (connection failures retried; a 429 or 5xx goes straight back to Cursor).
    /// </summary>
    public static IServiceCollection AddUpstreamHttpClient(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddTransient<AbortOnCancelHandler>();
        services.AddTransient<UpstreamErrorBodyHandler>();
        AddUpstreamClient(services, ClientName);
        AddUpstreamClient(services, OllamaClientName).AddHttpMessageHandler<UpstreamErrorBodyHandler>();
        return services;
    }

    private static IHttpClientBuilder AddUpstreamClient(IServiceCollection services, string name)
    {
        return services.AddHttpClient(name)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxResponseDrainSize = 0,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            })
            // Watches the inbound request, not the handler's token: it works at any position in the chain.
            .AddHttpMessageHandler<AbortOnCancelHandler>();
    }
}
