using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>Takes a parsed request through routing to its pipeline, recording where it went.</summary>
public sealed class ChatTurnFactory(ModelRouter router, RoutePipelines pipelines, RequestTelemetry telemetry)
{
    /// <param name="request">The parsed request (a stored conversation already prepended).</param>
    /// <param name="shape">The body shape, for metrics and spans.</param>
    /// <param name="key">The caller's key: what it may use, and its identity for the stages that keep state per key.</param>
    public ChatTurn Create(ParsedChatRequest request, string shape, ApiKeyIdentity key)
    {
        var route = router.Resolve(request.Model, key.AllowedModels, key.Name);
        route.ApplyTo(request.Options);
        CallerKey.AttachTo(request.Options, key.Id);
        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        telemetry.RecordRoute(request, route, shape, estimatedPromptTokens, key.Name);
        return new ChatTurn(request, route, pipelines.Get(route), estimatedPromptTokens, key);
    }
}
