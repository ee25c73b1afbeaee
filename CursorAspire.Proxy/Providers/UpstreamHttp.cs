using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace CursorAspire.Proxy.Providers;

/// <summary>The HTTP client every upstream call goes through.</summary>
public static class UpstreamHttp
{
    public const string ClientName = "cursoraspire-upstream";

    /// <summary>The client for Ollama: the same, plus <see cref="OllamaErrorBodyHandler"/>.</summary>
    public const string OllamaClientName = "cursoraspire-upstream-ollama";

    /// <summary>
    /// Registers the upstream HTTP client: no overall timeout (a stream lasts as long as the model writes), and
    /// <see cref="SocketsHttpHandler.MaxResponseDrainSize"/> 0 so a cancelled stream closes the connection at once
    /// and the upstream stops generating, instead of being drained. Retries only connection failures, where
    /// nothing reached the upstream and a retry is safe for a POST; a 429 or 5xx goes straight back to Cursor.
    /// </summary>
    public static IServiceCollection AddUpstreamHttpClient(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddTransient<AbortOnCancelHandler>();
        services.AddTransient<OllamaErrorBodyHandler>();
        AddUpstreamClient(services, ClientName);
        AddUpstreamClient(services, OllamaClientName).AddHttpMessageHandler<OllamaErrorBodyHandler>();
        return services;
    }

    private static IHttpClientBuilder AddUpstreamClient(IServiceCollection services, string name)
    {
        var builder = services.AddHttpClient(name)
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxResponseDrainSize = 0,
                ConnectTimeout = TimeSpan.FromSeconds(10),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                AutomaticDecompression = DecompressionMethods.All,
            })
            // Outermost: cancellation must reach the response whatever the inner handlers did.
            .AddHttpMessageHandler<AbortOnCancelHandler>();
        builder.AddResilienceHandler("upstream-connect", pipeline => pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 2,
                Delay = TimeSpan.FromMilliseconds(200),
                BackoffType = DelayBackoffType.Exponential,
                ShouldHandle = args => ValueTask.FromResult(
                    args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }),
            }));
        return builder;
    }
}
