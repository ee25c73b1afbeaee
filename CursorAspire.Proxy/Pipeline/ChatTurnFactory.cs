using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Providers;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>Takes a parsed request through routing to the pipelines that may answer it, recording where it went.</summary>
public sealed class ChatTurnFactory(ModelRouter router, RoutePipelines pipelines, RequestTelemetry telemetry)
{
    /// <param name="request">The parsed request (a stored conversation already prepended, the cache scope attached).</param>
    /// <param name="shape">The body shape, for metrics and spans.</param>
    /// <param name="key">The caller's key: what it may use, and its identity for the stages that keep state per key.</param>
    public ChatTurn Create(ParsedChatRequest request, string shape, ApiKeyIdentity key)
    {
        var route = router.Resolve(request.Model, key.AllowedModels, key.Name);
        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        telemetry.RecordRoute(request, route, shape, estimatedPromptTokens, key.Name);

        PromptCacheKey.AttachTo(request.Options, PromptCacheKey.For(request, key.Id));
        var routes = new List<RouteAttempt> { Attempt(request, route, key) };
        foreach (var fallback in route.Model?.Fallbacks ?? [])
        {
            // Only fallbacks this key may use: a key limited to a local model must not spend on a paid one.
            if (key.AllowedModels is { } allowed && !allowed.Contains(fallback, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            routes.Add(Attempt(request, router.Resolve(fallback), key));
        }
        return new ChatTurn(request, routes, estimatedPromptTokens, key);
    }

    private RouteAttempt Attempt(ParsedChatRequest request, ModelRoute route, ApiKeyIdentity key)
    {
        // Each route gets its own copy: the model name, reasoning effort and output limit are the route's.
        var options = request.Options.Clone();
        route.ApplyTo(options);
        CallerKey.AttachTo(options, key.Id);
        return new RouteAttempt(route, pipelines.Get(route), options);
    }
}
