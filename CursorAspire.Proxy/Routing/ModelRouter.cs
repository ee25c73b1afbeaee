using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Routing;

/// <summary>
/// Resolves the model name a client sent: a configured alias; else <c>&lt;provider&gt;/&lt;upstream-model&gt;</c>
/// straight to that provider; else the default model (Cursor's Verify sends whatever model is enabled, even
/// <c>please-enable-some-models</c>, and passes only on a 200), which is logged.
/// </summary>
public sealed class ModelRouter(IOptions<ProxyOptions> options, ILogger<ModelRouter> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <summary>The aliases clients can name, for <c>GET /models</c>.</summary>
    public IEnumerable<string> Aliases => _options.Models.Keys;

    public ModelRoute Resolve(string requestedModel)
    {
        if (TryResolveExact(requestedModel, out var route))
        {
            return route;
        }

        var fallback = DefaultModelName();
        if (fallback is null || !TryResolveExact(fallback, out var fallbackRoute))
        {
            throw new ProxyException(StatusCodes.Status503ServiceUnavailable,
                "No models are configured on this CursorAspire proxy. Add one under Proxy:Models (or start Ollama models from the AppHost).",
                OpenAIError.Server, "no_models_configured", "model");
        }
        logger.LogInformation("Model {RequestedModel} is not configured; routed to the default model {DefaultModel}.", requestedModel, fallback);
        return fallbackRoute with { IsFallback = true };
    }

    private string? DefaultModelName() =>
        _options.DefaultModel is { Length: > 0 } configured ? configured : _options.Models.Keys.FirstOrDefault();

    private bool TryResolveExact(string name, out ModelRoute route)
    {
        if (_options.Models.TryGetValue(name, out var model) &&
            model.Provider is { } providerName &&
            _options.Providers.TryGetValue(providerName, out var provider))
        {
            route = new ModelRoute(name, providerName, provider, model.Model!, model, IsFallback: false);
            return true;
        }
        if (_options.TrySplitDirectModel(name, out var directProvider, out var upstreamModel))
        {
            route = new ModelRoute(null, directProvider, _options.Providers[directProvider], upstreamModel, null, IsFallback: false);
            return true;
        }
        route = null!;
        return false;
    }
}
