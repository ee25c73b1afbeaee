using CursorAspire.Tunnel.Health;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

// Readiness: the tunnel is healthy once its public URL answers through Cloudflare, the path Cursor's servers take.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>
    /// The named <see cref="HttpClient"/> the tunnel's health check uses to request its public URL. Configure it with
    /// <c>builder.Services.AddHttpClient(HealthCheckHttpClientName)</c> to add a proxy, or in tests to route the public
    /// hostname to a loopback stand-in.
    /// </summary>
    public const string HealthCheckHttpClientName = "CursorAspire.Tunnel.HealthCheck";

    /// <summary>Sets the path the health check requests through the tunnel (default <c>/health</c>).</summary>
    /// <param name="builder">The tunnel.</param>
    /// <param name="path">The target's health path; a leading <c>/</c> is added when missing.</param>
    /// <returns>The tunnel's resource builder.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> WithTunnelHealthCheckPath(this IResourceBuilder<ICloudflareTunnelResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.Tunnel.HealthCheckPath = path.StartsWith('/') ? path : "/" + path;
        return builder;
    }

    /// <summary>
    /// Heals the tunnel: once it has been healthy, a watchdog polls the public URL and restarts cloudflared after
    /// <see cref="CloudflareTunnelOptions.RestartAfterFailures"/> failures in a row (see <see cref="CloudflareTunnelOptions.HealthPollInterval"/>).
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> WithWatchdog(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        if (builder.Resource.Tunnel.Options.RestartAfterFailures <= 0)
        {
            return builder;
        }

        builder.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(builder.Resource, (e, _) =>
        {
            CloudflareTunnelWatchdog.OnTunnelReady((ICloudflareTunnelResource)e.Resource, e.Services);
            return Task.CompletedTask;
        });
        return builder;
    }

    private static IResourceBuilder<ICloudflareTunnelResource> WithReachableThroughTunnelHealthCheck(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        var tunnel = builder.Resource.Tunnel;
        var healthCheckKey = $"{tunnel.ResourceName}_reachable_through_tunnel";
        var services = builder.ApplicationBuilder.Services;
        // The check's own result says what failed; per-request client logs would repeat it every second in the console.
        services.AddHttpClient(CloudflareTunnelHealthCheck.HttpClientName).RemoveAllLoggers();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            sp => new CloudflareTunnelHealthCheck(tunnel, sp.GetRequiredService<IHttpClientFactory>(), sp.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(30)));
        return builder.WithHealthCheck(healthCheckKey);
    }
}
