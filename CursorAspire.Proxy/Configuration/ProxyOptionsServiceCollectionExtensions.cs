using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CursorAspire.Proxy.Configuration;

/// <summary>Registers the <c>Proxy</c> section's shared settings.</summary>
public static class ProxyOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ProxyOptions"/>, fills provider endpoints from Aspire connection strings, and validates them at
    /// start-up, so a bad configuration fails before the first request with the key to fix.
    /// </summary>
    public static IServiceCollection AddProxyOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<ProxyOptions, ProxyOptionsValidator>(configuration.GetSection(ProxyOptions.SectionName));
        services.AddSingleton<IPostConfigureOptions<ProxyOptions>, ProviderEndpointFromConnectionString>();
        // TryAdd: a test's fake clock, registered first, wins.
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
