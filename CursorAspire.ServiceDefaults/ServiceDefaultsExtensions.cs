using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using Polly;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Aspire service defaults: OpenTelemetry (including Microsoft.Extensions.AI's GenAI spans and metrics),
/// health endpoints, service discovery, and resilience for outgoing HTTP that does not fight streaming.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>The ActivitySource and Meter name Microsoft.Extensions.AI's <c>UseOpenTelemetry</c> emits under.</summary>
    public const string GenAiTelemetrySource = "Experimental.Microsoft.Extensions.AI";

    /// <summary>The ActivitySource and Meter name CursorAspire's own components emit under.</summary>
    public const string CursorAspireTelemetrySource = "CursorAspire";

    /// <summary>Health (all checks). Anonymous: the tunnel and the AppHost probe it.</summary>
    public const string HealthEndpointPath = "/health";

    /// <summary>Liveness only.</summary>
    public const string AlivenessEndpointPath = "/alive";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddServiceDiscovery();
            http.AddStreamingFriendlyResilience();
        });
        return builder;
    }

    /// <summary>
    /// Retries only failures to connect, where nothing reached the server and a retry is safe even for a POST.
    /// Deliberately not the standard handler: its total-request timeout would cut a model's stream that runs for
    /// minutes, and its retries on 429/5xx would hide an upstream's answer from Cursor behind seconds of backoff.
    /// </summary>
    public static IHttpClientBuilder AddStreamingFriendlyResilience(this IHttpClientBuilder http)
    {
        http.AddResilienceHandler("connect-retry", pipeline => pipeline.AddRetry(new Microsoft.Extensions.Http.Resilience.HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError }),
        }));
        return http;
    }

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(GenAiTelemetrySource)
                .AddMeter(CursorAspireTelemetrySource))
            .WithTracing(tracing => tracing
                // Traces start at requests only: health checks and background work leave none (see the sampler).
                .SetSampler(new RequestScopedSampler())
                .AddSource(builder.Environment.ApplicationName)
                .AddSource(GenAiTelemetrySource)
                .AddSource(CursorAspireTelemetrySource)
                // Health probes would drown the model calls in the dashboard; what they cause is dropped with them.
                .AddAspNetCoreInstrumentation(o => o.Filter = ctx =>
                    !ctx.Request.Path.StartsWithSegments(HealthEndpointPath) &&
                    !ctx.Request.Path.StartsWithSegments(AlivenessEndpointPath))
                .AddHttpClientInstrumentation());

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps <c>/health</c> (all checks) and <c>/alive</c> (liveness only). Unlike the Aspire template these are
    /// mapped in every environment: the tunnel's health check and the AppHost probe them in production too.
    /// They reveal nothing but the status word.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(HealthEndpointPath).AllowAnonymous();
        app.MapHealthChecks(AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") }).AllowAnonymous();
        return app;
    }
}
