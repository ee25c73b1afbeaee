using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CursorAspire.Proxy.Telemetry;

/// <summary>Registers the proxy's meter and its own metrics (exported by the service defaults).</summary>
public static class TelemetryServiceCollectionExtensions
{
    public static IServiceCollection AddProxyTelemetry(this IServiceCollection services)
    {
        services.AddMetrics().TryAddSingleton<ProxyMeter>();
        return services.AddSingleton<ProxyMetrics>();
    }
}
