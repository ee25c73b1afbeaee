using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>Takes a parsed request through routing to its pipeline, recording where it went.</summary>
public sealed class ChatTurnFactory(ModelRouter router, RoutePipelines pipelines, RequestTelemetry telemetry)
{
    /// <param name="request">The parsed request (a stored conversation already prepended).</param>
    /// <param name="shape">The body shape, for metrics and spans.</param>
    /// <param name="keyId">The caller's key identity, for the stages that keep state per key.</param>
    public ChatTurn Create(ParsedChatRequest request, string shape, string keyId)
    {
        var route = router.Resolve(request.Model);
        route.ApplyTo(request.Options);
        CallerKey.AttachTo(request.Options, keyId);
        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        telemetry.RecordRoute(request, route, shape, estimatedPromptTokens);
        return new ChatTurn(request, route, pipelines.Get(route), estimatedPromptTokens);
    }
}
