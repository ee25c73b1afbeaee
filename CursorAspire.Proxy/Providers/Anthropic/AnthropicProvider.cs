using Anthropic;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Anthropic's Messages API through the official Anthropic SDK and its M.E.AI adapter, behind
/// <see cref="AnthropicCompatibilityChatClient"/>.
/// </summary>
public sealed class AnthropicProvider : IUpstreamProvider
{
    public static readonly Uri DefaultEndpoint = new("https://api.anthropic.com");

    /// <summary>The <c>max_tokens</c> sent when neither the request nor <see cref="ProviderOptions.MaxOutputTokens"/> sets one.</summary>
    public const int DefaultMaxOutputTokens = 8_192;

    private readonly AnthropicReasoningDialect _dialect = new(adaptive: false);
    private readonly AnthropicReasoningDialect _adaptiveDialect = new(adaptive: true);

    public ProviderKind Kind => ProviderKind.Anthropic;

    /// <summary>The plain client: the SDK reads error bodies in its own pipeline (its <c>Handlers</c>, below).</summary>
    public string HttpClientName => UpstreamHttp.ClientName;

    public IChatClient CreateClient(ModelRoute route, HttpClient http)
    {
        var provider = route.Provider;
        var endpoint = provider.Endpoint is { Length: > 0 } configured ? configured : DefaultEndpoint.ToString();
        var client = new AnthropicClient
        {
            ApiKey = provider.ApiKey ?? string.Empty,
            BaseUrl = endpoint.TrimEnd('/'),
            HttpClient = http,
            // The upstream's 429/5xx go straight back to Cursor with its message; Cursor retries on its own.
            MaxRetries = 0,
            // The SDK's own per-call limit; a model with a long prompt may take minutes to answer.
            Timeout = TimeSpan.FromMinutes(10),
            // The SDK's exceptions drop the response headers; this keeps Retry-After and Anthropic's own message.
            Handlers = [new UpstreamErrorBodyHandler()],
        };
        // The compatibility stage always sets max_tokens and leaves Reasoning only where thinking is wanted; the mode is
        // the one the model takes (AnthropicModels).
        return client.AsIChatClient(route.UpstreamModel, DefaultMaxTokens(route),
            AnthropicModels.ThinksAdaptively(route.UpstreamModel) ? AnthropicThinkingMode.Adaptive : AnthropicThinkingMode.Extended);
    }

    public IReasoningDialect ReasoningDialect(ModelRoute route) => AnthropicModels.ThinksAdaptively(route.UpstreamModel) ? _adaptiveDialect : _dialect;

    /// <summary>
    /// The <c>max_tokens</c> of a request that sets none: <see cref="ProviderOptions.MaxOutputTokens"/>, else
    /// <see cref="DefaultMaxOutputTokens"/>, raised to the route's output room (<see cref="ModelRoute.MinOutputTokens"/>).
    /// </summary>
    internal static int DefaultMaxTokens(ModelRoute route) =>
        Math.Max(route.Provider.MaxOutputTokens ?? DefaultMaxOutputTokens, route.MinOutputTokens ?? 0);

    public IChatClient AddCompatibility(IChatClient inner, ModelRoute route) => new AnthropicCompatibilityChatClient(inner, route);
}
