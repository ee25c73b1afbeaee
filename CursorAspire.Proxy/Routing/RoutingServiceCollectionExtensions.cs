namespace CursorAspire.Proxy.Routing;

/// <summary>Registers model routing.</summary>
public static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// The router, the turn factory (a request's routes and its context), what is recorded about where a request went,
    /// and a start-up report of the aliases it serves (with any that collide with Cursor's names).
    /// </summary>
    public static IServiceCollection AddProxyRouting(this IServiceCollection services) => services
        .AddSingleton<ModelRouter>().AddSingleton<ChatTurnFactory>().AddSingleton<RouteTelemetry>().AddHostedService<ModelAliasReport>();
}
