using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using OllamaSharp;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Ollama's native API: the chat call through <see cref="OllamaChatClient"/>, everything else through OllamaSharp, behind
/// <see cref="OllamaCompatibilityChatClient"/>.
/// </summary>
public sealed class OllamaProvider(ContextWindowPlanner planner, OllamaContextLengths contextLengths) : IUpstreamProvider
{
    public static readonly Uri DefaultEndpoint = new("http://localhost:11434");

    private readonly OllamaReasoningDialect _dialect = new();

    public ProviderKind Kind => ProviderKind.Ollama;

    public IChatClient CreateClient(ModelRoute route, HttpClient http)
    {
        http.BaseAddress = route.Provider.EndpointOr(DefaultEndpoint);
        return new OllamaChatClient(http, route.UpstreamModel);
    }

    public IReasoningDialect ReasoningDialect(ModelRoute route) => _dialect;

    public IChatClient AddCompatibility(IChatClient inner, ModelRoute route) =>
        new OllamaCompatibilityChatClient(inner, OllamaClientOf(inner), route, planner, contextLengths);

    public async ValueTask<int?> ContextWindowAsync(ModelRoute route, IChatClient client, CancellationToken cancellationToken) =>
        route.ContextLength ?? await contextLengths.GetAsync(OllamaClientOf(client), route.UpstreamModel, cancellationToken).ConfigureAwait(false);

    private static IOllamaApiClient OllamaClientOf(IChatClient client) =>
        client.GetService<IOllamaApiClient>() ?? throw new InvalidOperationException("The Ollama pipeline's client is not OllamaSharp's.");
}
