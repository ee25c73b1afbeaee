using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Tokens;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Routing;

/// <summary>Takes a parsed request through routing to the routes that may answer it, recording where it went.</summary>
public sealed class ChatTurnFactory(ModelRouter router, RouteTelemetry telemetry)
{
    /// <param name="request">The parsed request (a stored conversation already prepended).</param>
    /// <param name="shape">The body shape, for metrics and spans.</param>
    /// <param name="key">The caller's key: what it may use, and its identity for the stages that keep state per key.</param>
    /// <param name="cache">The response cache's scope for the request, if it may be cached.</param>
    public ChatTurn Create(ParsedChatRequest request, string shape, ApiKeyIdentity key, ResponseCacheScope? cache)
    {
        var route = router.Resolve(request.Model, key.AllowedModels, key.Name);
        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        telemetry.RecordRoute(request, route, shape, estimatedPromptTokens, key.Name);

        var call = new ChatCallContext(key.Id, cache, PromptCacheKey.For(request, key.Id));
        var routes = new List<RouteAttempt> { Attempt(request, route, call) };
        foreach (var fallback in route.Model?.Fallbacks ?? [])
        {
            // Only fallbacks this key may use: a key limited to a local model must not spend on a paid one.
            if (key.AllowedModels is { } allowed && !allowed.Contains(fallback, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }
            routes.Add(Attempt(request, router.Resolve(fallback), call));
        }
        return new ChatTurn(request, routes, estimatedPromptTokens, key, call);
    }

    private static RouteAttempt Attempt(ParsedChatRequest request, ModelRoute route, ChatCallContext call)
    {
        // Each route gets its own copy: the model name, reasoning effort and output limit are the route's.
        var options = new ChatCallOptions(request.Options, call);
        route.ApplyTo(options);
        return new RouteAttempt(route, options);
    }
}
