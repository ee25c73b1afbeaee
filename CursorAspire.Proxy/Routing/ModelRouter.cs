using System.Collections.Concurrent;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Routing;

/// <summary>
/// Resolves the model name a client sent, within what its key may use: a configured alias; else
/// <c>&lt;provider&gt;/&lt;upstream-model&gt;</c>, only for a model configured on that provider (or any model, where
/// <c>AllowAnyModel</c> says so); else the default model (Cursor's Verify sends whatever model is enabled, even
/// <c>please-enable-some-models</c>, and passes only on a 200), which is logged.
/// </summary>
public sealed class ModelRouter(IOptions<ProxyOptions> options, ILogger<ModelRouter> logger)
{
    /// <summary>
    /// How many models clients name on <c>AllowAnyModel</c> providers keep a name of their own in metrics and usage
    /// counters (per process); the rest count as <c>&lt;provider&gt;/other</c>, so made-up names cannot grow them.
    /// </summary>
    public const int MaxReportedAnyModelNames = 64;

    private readonly ProxyOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, bool> _reportedAnyModelNames = new(StringComparer.Ordinal);

    /// <summary>The aliases clients can name, for <c>GET /models</c>.</summary>
    public IEnumerable<string> Aliases => _options.Models.Keys;

    /// <param name="requestedModel">The model name as the client sent it.</param>
    /// <param name="allowedModels">The aliases the caller's key may use; null for all.</param>
    /// <param name="keyName">The key's name, for the refusal message.</param>
    /// <exception cref="ProxyException">403 for a model the key may not use; 404 for an unconfigured <c>provider/model</c>.</exception>
    public ModelRoute Resolve(string requestedModel, IReadOnlyList<string>? allowedModels = null, string? keyName = null)
    {
        if (TryResolveExact(requestedModel, out var route))
        {
            return Allowed(route, requestedModel, allowedModels, keyName);
        }

        var fallback = DefaultModelName(allowedModels);
        if (fallback is null || !TryResolveExact(fallback, out var fallbackRoute))
        {
            throw new ProxyException(StatusCodes.Status503ServiceUnavailable,
                "No models are configured on this CursorAspire proxy. Add one under Proxy:Models (or start Ollama models from the AppHost).",
                OpenAIError.Server, "no_models_configured", "model");
        }
        logger.LogInformation("Model {RequestedModel} is not configured; routed to the default model {DefaultModel}.", CallerText.Cap(requestedModel), fallback);
        return Allowed(fallbackRoute, requestedModel, allowedModels, keyName) with { IsDefaultForUnknownName = true };
    }

    private string? DefaultModelName(IReadOnlyList<string>? allowedModels)
    {
        var configured = _options.DefaultModel is { Length: > 0 } name ? name : _options.Models.Keys.FirstOrDefault();
        // A key limited to some models answers Verify with the default if it may use it, else its first model.
        return allowedModels is null || (configured is not null && allowedModels.Contains(configured, StringComparer.OrdinalIgnoreCase))
            ? configured
            : allowedModels[0];
    }

    private static ModelRoute Allowed(ModelRoute route, string requestedModel, IReadOnlyList<string>? allowedModels, string? keyName)
    {
        if (allowedModels is null || (route.Alias is { } alias && allowedModels.Contains(alias, StringComparer.OrdinalIgnoreCase)))
        {
            return route;
        }
        throw new ProxyException(StatusCodes.Status403Forbidden,
            $"API key '{keyName}' may not use model '{CallerText.Cap(requestedModel)}'. It may use: {string.Join(", ", allowedModels)}.",
            OpenAIError.Permission, "model_not_allowed", "model");
    }

    private bool TryResolveExact(string name, out ModelRoute route)
    {
        if (_options.Models.TryGetValue(name, out var model) && AliasRoute(name, model) is { } aliasRoute)
        {
            route = aliasRoute;
            return true;
        }
        if (_options.TrySplitDirectModel(name, out var providerName, out var upstreamModel))
        {
            route = DirectRoute(providerName, upstreamModel);
            return true;
        }
        route = null!;
        return false;
    }

    private ModelRoute? AliasRoute(string alias, ModelOptions model) =>
        model.Provider is { } providerName && _options.Providers.TryGetValue(providerName, out var provider)
            ? new ModelRoute(alias, providerName, provider, model.Model!, model, IsDefaultForUnknownName: false)
            : null;

    /// <summary>
    /// <c>provider/model</c>: the alias that serves that model on that provider (its settings apply), else, where the
    /// provider allows any model, that model with no alias. Anything else would let a key spend on any model the
    /// upstream account can use.
    /// </summary>
    private ModelRoute DirectRoute(string providerName, string upstreamModel)
    {
        foreach (var (alias, model) in _options.Models)
        {
            if (string.Equals(model.Provider, providerName, StringComparison.OrdinalIgnoreCase) && string.Equals(model.Model, upstreamModel, StringComparison.Ordinal))
            {
                return AliasRoute(alias, model)!;
            }
        }
        var provider = _options.Providers[providerName];
        if (provider.AllowAnyModel)
        {
            return new ModelRoute(null, providerName, provider, upstreamModel, null, IsDefaultForUnknownName: false) { ReportedName = ReportedAnyModelName(providerName, upstreamModel) };
        }
        throw new ProxyException(StatusCodes.Status404NotFound,
            $"Model '{CallerText.Cap(upstreamModel)}' is not configured on provider '{providerName}'. Add it under Proxy:Models, or set Proxy:Providers:{providerName}:AllowAnyModel=true to allow any model of that provider.",
            OpenAIError.NotFound, "model_not_found", "model");
    }

    private string ReportedAnyModelName(string providerName, string upstreamModel)
    {
        var name = $"{providerName}/{CallerText.Cap(upstreamModel)}";
        if (_reportedAnyModelNames.ContainsKey(name) || (_reportedAnyModelNames.Count < MaxReportedAnyModelNames && _reportedAnyModelNames.TryAdd(name, true)))
        {
            return name;
        }
        return $"{providerName}/other";
    }
}
