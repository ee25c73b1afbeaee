namespace CursorAspire.Proxy.Endpoints;

/// <summary>Registers the HTTP endpoints' handlers.</summary>
public static class EndpointsServiceCollectionExtensions
{
    public static IServiceCollection AddProxyEndpoints(this IServiceCollection services)
    {
        services.AddSingleton<EventStreamResponder>();
        services.AddSingleton<ChatCompletionsEndpoint>();
        services.AddSingleton<ResponsesEndpoint>();
        return services;
    }
}
