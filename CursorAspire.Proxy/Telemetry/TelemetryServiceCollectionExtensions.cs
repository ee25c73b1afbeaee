using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CursorAspire.Proxy.Telemetry;

/// <summary>Registers the proxy's own metrics and span tagging (exported by the service defaults).</summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddProxyTelemetry(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<ProxyMeter>();
        services.AddSingleton<ProxyMetrics>();
        services.AddSingleton<RequestTelemetry>();
        return services;
    }
}
