namespace CursorAspire.Proxy.Providers;

/// <summary>Registers the upstream kinds the proxy speaks and the HTTP client they share.</summary>
public static class ProvidersServiceCollectionExtensions
{
    public static IServiceCollection AddProxyProviders(this IServiceCollection services)
    {
        services.AddUpstreamHttpClient();
        services.AddSingleton<ContextWindowPlanner>();
        services.AddSingleton<IUpstreamChatClientFactory, OllamaUpstreamFactory>();
        services.AddSingleton<IUpstreamChatClientFactory, OpenAIUpstreamFactory>();
        services.AddSingleton<IUpstreamChatClientFactory, AnthropicUpstreamFactory>();
        return services;
    }
}
