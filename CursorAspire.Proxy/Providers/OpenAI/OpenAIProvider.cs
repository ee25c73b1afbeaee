using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>Any OpenAI-compatible Chat Completions endpoint, through the proxy's own <see cref="OpenAIChatCompletionsClient"/>, behind <see cref="OpenAICompatibilityChatClient"/>.</summary>
/// <remarks>
/// The official OpenAI SDK and M.E.AI's conversions stay, off the hot path: each tool declaration's JSON is theirs, made
/// once (<see cref="OpenAIToolDeclarations"/>), as is a JSON-schema response format.
/// </remarks>
public sealed class OpenAIProvider : IUpstreamProvider
{
    /// <summary>OpenAI's own API, when the provider sets no <c>Endpoint</c>.</summary>
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    private readonly OpenAIReasoningDialect _dialect = new();
    private readonly KimiReasoningDialect _kimi = new();
    private readonly GlmReasoningDialect _glm = new();
    private readonly MiniMaxReasoningDialect _miniMax = new();

    public ProviderKind Kind => ProviderKind.OpenAI;

    public IChatClient CreateClient(ModelRoute route, HttpClient http)
    {
        var provider = route.Provider;
        var endpoint = provider.EndpointOr(DefaultEndpoint);
        return new OpenAIChatCompletionsClient(http, endpoint, provider.ApiKey, route.UpstreamModel);
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
