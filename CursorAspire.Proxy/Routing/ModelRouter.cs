using System.Collections.Concurrent;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Routing;

/// <summary>
/// Resolves the model name a client sent, within what its key may use: a configured alias; else
/// <c>&lt;provider&gt;/&lt;upstream-model&gt;</c>, only for a model configured on that provider (or any model, where
/// <c>AllowAnyModel</c> says so); else one of those followed by Cursor's variant suffixes (<see cref="ModelVariant"/>:
/// <c>ant-thinking</c> is <c>ant</c> with reasoning on, logged once per name); else the default model (Cursor's Verify
/// sends whatever model is enabled, even <c>please-enable-some-models</c>, and passes only on a 200), which is logged.
/// </summary>
/// <remarks>
/// A suffix only ever leads to what the name in front of it resolves to exactly, so it never takes a name to a provider
/// that is not allowed that model; a key's model list applies to that alias.
/// </remarks>
public sealed partial class ModelRouter(IOptions<ProxyOptions> options, ILogger<ModelRouter> logger)
{
    /// <summary>
    /// How many models clients name on <c>AllowAnyModel</c> providers keep a name of their own in metrics and usage
    /// counters (per process); the rest count as <c>&lt;provider&gt;/other</c>, so made-up names cannot grow them.
    /// </summary>
    public const int MaxReportedAnyModelNames = 64;

    /// <summary>The most variant names logged (each once): the names are the caller's, the log is ours.</summary>
    private const int MaxLoggedVariants = 1024;

    private readonly ProxyOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, bool> _reportedAnyModelNames = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _loggedVariants = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The aliases clients can name, for <c>GET /models</c>.</summary>
    public IEnumerable<string> Aliases => _options.Models.Keys;

    /// <param name="requestedModel">The model name as the client sent it.</param>
    /// <param name="allowedModels">The aliases the caller's key may use; null for all.</param>
    /// <param name="keyName">The key's name, for the refusal message.</param>
    /// <exception cref="ProxyException">403 for a model the key may not use; 404 for an unconfigured <c>provider/model</c>.</exception>
    public ModelRoute Resolve(string requestedModel, IReadOnlyList<string>? allowedModels = null, string? keyName = null)
    {
        if (TryResolveExact(requestedModel, out var route, out var refusal))
        {
            return Allowed(route, requestedModel, allowedModels, keyName);
        }
        if (TryResolveVariant(requestedModel, out route))
        {
            return Allowed(route, requestedModel, allowedModels, keyName);
        }
        if (refusal is not null)
        {
            throw refusal;
        }

        var fallback = DefaultModelName(allowedModels);
        if (fallback is null || !TryResolveExact(fallback, out var fallbackRoute, out _))
        {
            throw new ProxyException(StatusCodes.Status503ServiceUnavailable,
                "No models are configured on this CursorAspire proxy. Add one under Proxy:Models (or start Ollama models from the AppHost).",
                OpenAIError.Server, "no_models_configured", "model");
        }
        if (logger.IsEnabled(LogLevel.Information))
        {
            var requested = CallerText.Cap(requestedModel);
            LogRoutedToDefault(logger, requested, fallback);
        }
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

    /// <summary>A configured alias, or a <c>provider/model</c> that may be used; <paramref name="refusal"/> for one that may not.</summary>
    private bool TryResolveExact(string name, out ModelRoute route, out ProxyException? refusal)
    {
        refusal = null;
        if (_options.Models.TryGetValue(name, out var model) && AliasRoute(name, model) is { } aliasRoute)
        {
            route = aliasRoute;
            return true;
        }
        if (_options.TrySplitDirectModel(name, out var providerName, out var upstreamModel) && DirectRoute(providerName, upstreamModel, out refusal) is { } direct)
        {
            route = direct;
            return true;
        }
        route = null!;
        return false;
    }

    /// <summary>A name that resolves exactly once Cursor's variant suffixes are off it: that route, with the variant.</summary>
    private bool TryResolveVariant(string name, out ModelRoute route)
    {
        ModelVariant? variant = null;
        for (var i = 0; i < ModelVariant.MaxSuffixes && ModelVariant.TryStrip(name, variant, out name, out var stripped); i++)
        {
            variant = stripped;
            if (TryResolveExact(name, out var baseRoute, out _))
            {
                route = baseRoute with { Variant = variant };
                LogVariantOnce(name, variant, baseRoute);
                return true;
            }
        }
        route = null!;
        return false;
    }

    private void LogVariantOnce(string baseName, ModelVariant variant, ModelRoute route)
    {
        var requested = baseName + variant.Suffixes;
        if (_loggedVariants.Count < MaxLoggedVariants && _loggedVariants.TryAdd(requested, true) && logger.IsEnabled(LogLevel.Information))
        {
            var capped = CallerText.Cap(requested);
            LogVariant(logger, capped, variant.Suffixes, route.Alias ?? baseName, route.ProviderName, route.UpstreamModel,
                route.AcceptsReasoningEffort ? " (reasoning as the variant asks)" : (variant.Thinking || variant.Effort is not null ? " (the alias has no Reasoning: the variant's effort is not sent)" : string.Empty));
        }
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
    private ModelRoute? DirectRoute(string providerName, string upstreamModel, out ProxyException? refusal)
    {
        refusal = null;
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
        refusal = new ProxyException(StatusCodes.Status404NotFound,
            $"Model '{CallerText.Cap(upstreamModel)}' is not configured on provider '{providerName}'. Add it under Proxy:Models, or set Proxy:Providers:{providerName}:AllowAnyModel=true to allow any model of that provider.",
            OpenAIError.NotFound, "model_not_found", "model");
        return null;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {RequestedModel} is not configured; routed to the default model {DefaultModel}.")]
    private static partial void LogRoutedToDefault(ILogger logger, string requestedModel, string defaultModel);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {RequestedModel} is Cursor's variant {Suffixes} of {Alias}; routed to {Provider}/{UpstreamModel}{Thinking}.")]
    private static partial void LogVariant(ILogger logger, string requestedModel, string suffixes, string alias, string provider, string upstreamModel, string thinking);
}
