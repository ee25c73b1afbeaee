using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Calls;

/// <summary>Registers the call policy: the guarded, timed call of a turn's routes.</summary>
public static class CallsServiceCollectionExtensions
{
    /// <remarks>Its settings (<see cref="UpstreamCallOptions"/>) are read from the <c>Proxy</c> section.</remarks>
    public static IServiceCollection AddProxyCalls(this IServiceCollection services, IConfiguration configuration) => services
        .AddValidatedOptions<UpstreamCallOptions, UpstreamCallOptionsValidator>(configuration.GetSection(ProxyOptions.SectionName)).Services
        .AddSingleton<RouteResilience>().AddSingleton<UpstreamCall>();
}
