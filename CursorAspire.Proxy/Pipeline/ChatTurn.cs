using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>One request on its way upstream: what was asked, where it goes, and the pipeline that takes it there.</summary>
/// <param name="Request">The parsed request; its options already point at the route (<see cref="ModelRoute.ApplyTo"/>).</param>
/// <param name="Route">The route the model name resolved to.</param>
/// <param name="Client">The route's <see cref="IChatClient"/> pipeline.</param>
/// <param name="EstimatedPromptTokens">The proxy's prompt-size estimate: usage when the upstream reports none.</param>
/// <param name="Key">The caller's key.</param>
public sealed record ChatTurn(ParsedChatRequest Request, ModelRoute Route, IChatClient Client, long EstimatedPromptTokens, ApiKeyIdentity Key)
{
    /// <summary>The model as usage is counted for it: the alias, or <c>provider/model</c> for a direct route.</summary>
    public string UsageModel => Route.Alias ?? $"{Route.ProviderName}/{Route.UpstreamModel}";
}
