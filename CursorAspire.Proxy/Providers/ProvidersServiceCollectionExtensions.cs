using CursorAspire.Proxy.Providers.Anthropic;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Providers.Ollama;
using CursorAspire.Proxy.Providers.OpenAI;

namespace CursorAspire.Proxy.Providers;

/// <summary>Registers the upstream kinds the proxy speaks and the HTTP client they share.</summary>
public static class ProvidersServiceCollectionExtensions
{
    public static IServiceCollection AddProxyProviders(this IServiceCollection services) => services
        .AddUpstreamHttpClient()
        .AddSingleton<ContextWindowPlanner>().AddSingleton<OllamaContextLengths>()
        .AddSingleton<IUpstreamProvider, OllamaProvider>().AddSingleton<IUpstreamProvider, OpenAIProvider>().AddSingleton<IUpstreamProvider, AnthropicProvider>();
}
