using System.ClientModel;
using System.ClientModel.Primitives;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using OpenAI;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>Any OpenAI-compatible Chat Completions endpoint, through the official OpenAI client and M.E.AI.OpenAI, behind <see cref="OpenAICompatibilityChatClient"/>.</summary>
public sealed class OpenAIProvider : IUpstreamProvider
{
    public static readonly Uri DefaultEndpoint = new("https://api.openai.com/v1");

    private readonly OpenAIReasoningDialect _dialect = new();
    private readonly KimiReasoningDialect _kimi = new();
    private readonly GlmReasoningDialect _glm = new();
    private readonly MiniMaxReasoningDialect _miniMax = new();

    public ProviderKind Kind => ProviderKind.OpenAI;

    public IChatClient CreateClient(ModelRoute route, HttpClient http)
    {
        var provider = route.Provider;
        var options = new OpenAIClientOptions
        {
            Endpoint = provider.Endpoint is { Length: > 0 } endpoint ? new Uri(endpoint) : DefaultEndpoint,
            Transport = new HttpClientPipelineTransport(http),
            // The upstream's 429/5xx go straight back to Cursor with its message; Cursor retries on its own.
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // Per read, not per stream: a model that is still loading may take minutes to send its first token.
            NetworkTimeout = TimeSpan.FromMinutes(10),
        };
        // Local OpenAI-compatible servers (LM Studio, vLLM) take no key, but the client insists on one.
        var credential = new ApiKeyCredential(string.IsNullOrEmpty(provider.ApiKey) ? "no-key" : provider.ApiKey);
        return new OpenAIClient(credential, options).GetChatClient(route.UpstreamModel).AsIChatClient();
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
