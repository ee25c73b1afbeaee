namespace CursorAspire.Proxy.Calls;

/// <summary>Registers the call policy: the guarded, timed call of a turn's routes.</summary>
public static class CallsServiceCollectionExtensions
{
    public static IServiceCollection AddProxyCalls(this IServiceCollection services)
    {
        services.AddSingleton<ProviderResilience>();
        services.AddSingleton<UpstreamCall>();
        return services;
    }
}
