using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// Fails start-up on keys, providers or models the proxy cannot serve, with a message naming the key to fix. Runs
/// once, before the first request (<c>ValidateOnStart</c>).
/// </summary>
public sealed class ProxyOptionsValidator : OptionsValidator<ProxyOptions>
{
    private const string HowToMakeAKey = "Generate one with `openssl rand -hex 24` (or `[Convert]::ToHexString((1..24|%{Get-Random -Max 256}))` in PowerShell)";

    protected override IEnumerable<string?> Problems(ProxyOptions options) =>
        KeyProblems(options)
            .Concat(ShutdownProblems(options))
            .Concat(options.Providers.SelectMany(p => ProviderProblems(p.Key, p.Value)))
            .Concat(options.Models.SelectMany(m => ModelProblems(options, m.Key, m.Value)))
            .Concat(DefaultModelProblems(options));

    private static IEnumerable<string> ShutdownProblems(ProxyOptions options)
    {
        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            yield return "Proxy:ShutdownTimeout must not be negative, e.g. 00:00:30.";
        }
    }

    private static IEnumerable<string> ProviderProblems(string providerName, ProviderOptions provider)
    {
        if (provider.Kind is null)
        {
            yield return $"Proxy:Providers:{providerName}:Kind is missing; use one of {string.Join(", ", Enum.GetNames<ProviderKind>())}.";
        }
        if (provider.Endpoint is { } endpoint &&
            (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
        {
            yield return $"Proxy:Providers:{providerName}:Endpoint '{endpoint}' is not an absolute http(s) URL.";
        }
        if (provider.MaxOutputTokens is <= 0)
        {
            yield return $"Proxy:Providers:{providerName}:MaxOutputTokens must be positive.";
        }
        if (provider.Kind == ProviderKind.Anthropic && string.IsNullOrWhiteSpace(provider.ApiKey))
        {
            yield return $"Proxy:Providers:{providerName}:ApiKey is missing; the Anthropic API needs a key.";
        }
    }

    private static IEnumerable<string> ModelProblems(ProxyOptions options, string alias, ModelOptions model)
    {
        if (string.IsNullOrWhiteSpace(model.Provider))
        {
            yield return $"Proxy:Models:{alias}:Provider is missing.";
        }
        else if (!options.Providers.ContainsKey(model.Provider))
        {
            yield return $"Proxy:Models:{alias}:Provider '{model.Provider}' is not a configured provider (add Proxy:Providers:{model.Provider}).";
        }
        if (string.IsNullOrWhiteSpace(model.Model))
        {
            yield return $"Proxy:Models:{alias}:Model is missing (the upstream model name).";
        }
        if (model.ContextLength is <= 0)
        {
            yield return $"Proxy:Models:{alias}:ContextLength must be positive.";
        }
        if (model.MaxOutputTokens is <= 0)
        {
            yield return $"Proxy:Models:{alias}:MaxOutputTokens must be positive.";
        }
        if (model.Compaction && model.ContextLength is null && model.Provider is { } provider
            && options.Providers.TryGetValue(provider, out var providerOptions) && providerOptions.Kind is not (null or ProviderKind.Ollama))
        {
            yield return $"Proxy:Models:{alias}:Compaction needs Proxy:Models:{alias}:ContextLength, the model's context window in tokens: only Ollama reports its own.";
        }
        if (model.MinOutputTokens is <= 0)
        {
            yield return $"Proxy:Models:{alias}:MinOutputTokens must be positive.";
        }
        if (model.ReasoningEffort is { } effort)
        {
            if (ReasoningEffortNames.ParseSetting(effort) is null)
            {
                yield return $"Proxy:Models:{alias}:ReasoningEffort '{effort}' is not one of {string.Join(", ", ReasoningEffortNames.Settable)}.";
            }
            else if (!model.Reasoning)
            {
                yield return $"Proxy:Models:{alias}:ReasoningEffort is set, but the alias does not pass reasoning effort on: set Proxy:Models:{alias}:Reasoning to true (or remove the effort).";
            }
        }
        if (model.PromptCacheTtl is not ("5m" or "1h"))
        {
            yield return $"Proxy:Models:{alias}:PromptCacheTtl must be 5m or 1h.";
        }
        if (model.Pricing is { InputPerMillion: < 0 } or { CachedInputPerMillion: < 0 } or { CacheWritePerMillion: < 0 } or { OutputPerMillion: < 0 })
        {
            yield return $"Proxy:Models:{alias}:Pricing prices cannot be negative.";
        }
        for (var i = 0; i < model.Fallbacks.Count; i++)
        {
            var fallback = model.Fallbacks[i];
            if (string.IsNullOrWhiteSpace(fallback))
            {
                yield return $"Proxy:Models:{alias}:Fallbacks:{i} is blank.";
            }
            else if (!options.Models.ContainsKey(fallback))
            {
                yield return $"Proxy:Models:{alias}:Fallbacks:{i} '{fallback}' is not a configured alias (Proxy:Models).";
            }
            else if (string.Equals(fallback, alias, StringComparison.OrdinalIgnoreCase))
            {
                yield return $"Proxy:Models:{alias}:Fallbacks:{i} names the alias itself.";
            }
        }
    }

    private static IEnumerable<string> DefaultModelProblems(ProxyOptions options)
    {
        if (options.DefaultModel is { Length: > 0 } defaultModel &&
            !options.Models.ContainsKey(defaultModel) &&
            !options.TrySplitDirectModel(defaultModel, out _, out _))
        {
            yield return $"Proxy:DefaultModel '{defaultModel}' is neither a configured alias (Proxy:Models) nor '<provider>/<model>'.";
        }
    }

    private static IEnumerable<string> KeyProblems(ProxyOptions options)
    {
        if (options.ApiKeys.Count == 0 && options.Keys.Count == 0)
        {
            yield return
                "No API key is configured (Proxy:ApiKeys or Proxy:Keys). The proxy is meant to sit on a public URL and will not start without a key. " +
                "Set one, e.g. `dotnet user-secrets set \"Proxy:ApiKeys:0\" \"$(openssl rand -hex 24)\" --project CursorAspire.Proxy` " +
                "or the environment variable Proxy__ApiKeys__0 (the AppHost generates one for you).";
        }
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if (KeyProblem(options.ApiKeys[i], $"Proxy:ApiKeys:{i}") is { } problem)
            {
                yield return problem;
            }
        }
        foreach (var (keyName, key) in options.Keys)
        {
            foreach (var problem in NamedKeyProblems(options, $"Proxy:Keys:{keyName}", key))
            {
                yield return problem;
            }
        }
        foreach (var problem in DuplicateKeyProblems(options))
        {
            yield return problem;
        }
    }

    /// <summary>
    /// One key, one name: the same key under two settings would be counted, limited and budgeted as whichever matched,
    /// silently. Compared by hash, so a key and the <c>KeyHash</c> of the same key are found too; only names are reported.
    /// </summary>
    private static IEnumerable<string> DuplicateKeyProblems(ProxyOptions options)
    {
        var settings = new List<(string Setting, byte[] Hash)>();
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(options.ApiKeys[i]))
            {
                settings.Add(($"Proxy:ApiKeys:{i}", KeyHashes.Of(options.ApiKeys[i])));
            }
        }
        foreach (var (keyName, key) in options.Keys)
        {
            if (key.Key is { Length: > 0 } plain)
            {
                settings.Add(($"Proxy:Keys:{keyName}:Key", KeyHashes.Of(plain)));
            }
            else if (KeyHashes.TryParse(key.KeyHash, out var hash))
            {
                settings.Add(($"Proxy:Keys:{keyName}:KeyHash", hash));
            }
        }
        foreach (var same in settings.GroupBy(s => Convert.ToHexString(s.Hash)).Where(g => g.Count() > 1))
        {
            yield return $"{string.Join(" and ", same.Select(s => s.Setting))} are the same key; each key must be unique, or its requests count against whichever name matched. Give each its own key.";
        }
    }

    private static IEnumerable<string> NamedKeyProblems(ProxyOptions options, string setting, KeyOptions key)
    {
        var problem = (key.Key, key.KeyHash) switch
        {
            (null, null) => $"{setting} has neither Key nor KeyHash.",
            (not null, not null) => $"{setting} has both Key and KeyHash; keep one.",
            (not null, null) => KeyProblem(key.Key, $"{setting}:Key"),
            _ => KeyHashes.TryParse(key.KeyHash, out _) ? null : $"{setting}:KeyHash must be 'sha256:' and 64 hex digits (e.g. `printf %s \"$KEY\" | sha256sum`).",
        };
        if (problem is not null)
        {
            yield return problem;
        }
        foreach (var alias in key.Models)
        {
            if (!options.Models.ContainsKey(alias))
            {
                yield return $"{setting}:Models lists '{alias}', which is not a configured alias (Proxy:Models).";
            }
        }
        if (key.TokensPerDay is <= 0)
        {
            yield return $"{setting}:TokensPerDay must be positive (leave it out for no budget).";
        }
        if (key.RequestsPerMinute is < 0 || key.ConcurrentRequests is < 0)
        {
            yield return $"{setting}:RequestsPerMinute and ConcurrentRequests must be 0 (off) or positive.";
        }
        if (key.StoredBytes <= 0)
        {
            yield return $"{setting}:StoredBytes must be positive (default {KeyOptions.DefaultStoredBytes}, 256 MiB).";
        }
    }

    private static string? KeyProblem(string? key, string setting) =>
        string.IsNullOrWhiteSpace(key) ? $"{setting} is blank. {HowToMakeAKey}."
        // The value itself is never repeated: it is a secret, even when a weak one.
        : key.Trim().Length < ProxyOptions.MinimumKeyLength ? $"{setting} is shorter than {ProxyOptions.MinimumKeyLength} characters, too easy to guess on a public URL. {HowToMakeAKey}."
        // Cursor sends the key trimmed, so a key with spaces around it would never match.
        : key.Length != key.Trim().Length ? $"{setting} has spaces or line breaks around it (a copy-paste slip?); no client sends those, so it would never match. Remove them."
        : null;
}
