using CursorAspire.Proxy.Routing;
using Microsoft.Extensions.AI;
using OllamaSharp;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Providers;

/// <summary>Ollama's native API through OllamaSharp, behind <see cref="OllamaCompatibilityChatClient"/>.</summary>
public sealed class OllamaUpstreamFactory(ContextWindowPlanner planner, ILoggerFactory loggerFactory) : IUpstreamChatClientFactory
{
    public static readonly Uri DefaultEndpoint = new("http://localhost:11434");

    public ProviderKind Kind => ProviderKind.Ollama;

    public string HttpClientName => UpstreamHttp.OllamaClientName;

    public IChatClient Create(ModelRoute route, HttpClient http)
    {
        http.BaseAddress = route.Provider.Endpoint is { Length: > 0 } endpoint ? new Uri(endpoint) : DefaultEndpoint;
        var ollama = new OllamaApiClient(http, route.UpstreamModel);
        return new OllamaCompatibilityChatClient(ollama, ollama, route, planner, loggerFactory.CreateLogger<OllamaCompatibilityChatClient>());
    }
}
