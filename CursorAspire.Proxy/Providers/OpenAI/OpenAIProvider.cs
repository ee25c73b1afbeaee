using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>Any OpenAI-compatible Chat Completions endpoint, through the proxy's own <see cref="OpenAIChatClient"/>, behind <see cref="OpenAICompatibilityChatClient"/>.</summary>
public sealed class OpenAIProvider : IUpstreamProvider
{
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    private readonly OpenAIReasoningDialect _dialect = new();
    private readonly KimiReasoningDialect _kimi = new();
    private readonly GlmReasoningDialect _glm = new();
    private readonly MiniMaxReasoningDialect _miniMax = new();

    public ProviderKind Kind => ProviderKind.OpenAI;

    /// <summary>Error statuses are raised with the upstream's own message and <c>Retry-After</c> (<see cref="UpstreamErrorBodyHandler"/>).</summary>
    public string HttpClientName => UpstreamHttp.ErrorBodyClientName;

    public IChatClient CreateClient(ModelRoute route, HttpClient http)
    {
        var provider = route.Provider;
        var endpoint = provider.EndpointOr(DefaultEndpoint);
        return new OpenAIChatClient(http, endpoint, provider.ApiKey, route.UpstreamModel);
    }

    /// <summary>By the model's family (<see cref="OpenAIThinkingFamilies"/>): Kimi K2, GLM and MiniMax-M each take reasoning back their own way.</summary>
    public IReasoningDialect ReasoningDialect(ModelRoute route) => OpenAIThinkingFamilies.Of(route.UpstreamModel) switch
    {
        OpenAIThinkingFamily.Kimi => _kimi,
        OpenAIThinkingFamily.Glm => _glm,
        OpenAIThinkingFamily.MiniMax => _miniMax,
        _ => _dialect,
    };

    public IChatClient AddCompatibility(IChatClient inner, ModelRoute route) =>
        new OpenAICompatibilityChatClient(inner, sendPromptCacheKey: route.Model?.PromptCaching ?? true, OpenAIThinkingFamilies.Of(route.UpstreamModel));
}
