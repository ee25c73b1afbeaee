using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Configuration;

/// <summary>Registers the <c>Proxy</c> section.</summary>
public static class ProxyOptionsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="ProxyOptions"/>, fills provider endpoints from Aspire connection strings, and validates the
    /// whole section at start-up, so a bad configuration fails before the first request with the key to fix.
    /// </summary>
    public static IServiceCollection AddProxyOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyOptions>()
            .Bind(configuration.GetSection(ProxyOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ProxyOptions>, ProxyOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<ProxyOptions>, ProviderEndpointFromConnectionString>();
        // TryAdd: a test's fake clock, registered first, wins.
        services.TryAddSingleton(TimeProvider.System);
        return services;
    }
}
