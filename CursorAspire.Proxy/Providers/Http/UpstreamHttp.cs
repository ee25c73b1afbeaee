using System.Net;

namespace CursorAspire.Proxy.Providers.Http;

/// <summary>The HTTP client every upstream call goes through.</summary>
public static class UpstreamHttp
{
    public const string ClientName = "cursoraspire-upstream";

    /// <summary>
    /// The client for the proxy's own wire clients (Ollama, OpenAI-compatible): the same, plus
    /// <see cref="UpstreamErrorBodyHandler"/>, which raises an error status with the upstream's own words.
    /// </summary>
    public const string ErrorBodyClientName = "cursoraspire-upstream-error-body";

    /// <summary>
    /// Registers the upstream HTTP client: no overall timeout (a stream lasts as long as the model writes), and
    /// <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0 so a cancelled stream closes the connection at once
    /// and the upstream stops generating, instead of being drained. No HTTP-level resilience: retries, breakers and
    /// fallbacks of upstream calls are the pipeline's (<c>RouteResilience</c>), which knows what was already sent.
    /// </summary>
    public static IServiceCollection AddUpstreamHttpClient(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddTransient<AbortOnCancelHandler>();
        services.AddTransient<UpstreamErrorBodyHandler>();
        AddUpstreamClient(services, ClientName);
        AddUpstreamClient(services, ErrorBodyClientName).AddHttpMessageHandler<UpstreamErrorBodyHandler>();
        return services;
    }

    /// <summary>
    /// What <see cref="HttpClient"/> throws when a connection breaks while it buffers a body
    /// (<see cref="HttpCompletionOption.ResponseContentRead"/>), for a client of the proxy's own that reads a whole answer
    /// from the connection as it arrives instead: the same exception, so the proxy's answer (<see cref="UpstreamErrors"/>)
    /// and its retries stay what they were.
    /// </summary>
    internal static HttpRequestException BrokenRead(Exception ex) =>
        new(ex is HttpIOException { HttpRequestError: var error } ? error : HttpRequestError.Unknown, "Error while copying content to a stream.", ex);

    private static IHttpClientBuilder AddUpstreamClient(IServiceCollection services, string name)
    {
        var http = services.AddHttpClient(name);
#pragma warning disable EXTEXP0001 // Experimental, and the supported way to take the service defaults' handler back off one client.
        http.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return http
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
