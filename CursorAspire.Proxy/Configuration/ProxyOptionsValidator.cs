using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// Fails start-up on a configuration the proxy cannot serve, with a message naming the key to fix. Runs once,
/// before the first request (<c>ValidateOnStart</c>).
/// </summary>
public sealed class ProxyOptionsValidator : IValidateOptions<ProxyOptions>
{
    public ValidateOptionsResult Validate(string? name, ProxyOptions options)
    {
        var failures = new List<string>();

        ValidateKeys(options, failures);

        foreach (var (setting, value) in new[] { ("UpstreamFirstByteTimeout", options.UpstreamFirstByteTimeout), ("UpstreamIdleTimeout", options.UpstreamIdleTimeout), ("UpstreamTotalTimeout", options.UpstreamTotalTimeout) })
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"Proxy:{setting} must be a positive time span, e.g. 00:02:00.");
            }
        }
        if (options.Retry.MaxAttempts < 1)
        {
            failures.Add("Proxy:Retry:MaxAttempts must be at least 1 (the first attempt; 1 means no retries).");
        }
        if (options.Retry.MaxRetryAfter < TimeSpan.Zero)
        {
            failures.Add("Proxy:Retry:MaxRetryAfter must not be negative (00:00:00 never waits for a 429's Retry-After).");
        }
        failures.AddRange(options.Breaker.Problems("Proxy:Breaker"));
        if (options.ShutdownTimeout < TimeSpan.Zero)
        {
            failures.Add("Proxy:ShutdownTimeout must not be negative, e.g. 00:00:30.");
        }

        if (options.MaxRequestBodyBytes <= 0)
        {
            failures.Add($"Proxy:MaxRequestBodyBytes must be positive (default {ProxyOptions.DefaultMaxRequestBodyBytes}).");
        }

        if (options.RateLimit.RequestsPerMinute < 0)
        {
            failures.Add("Proxy:RateLimit:RequestsPerMinute must be 0 (off) or positive.");
        }
        if (options.RateLimit.ConcurrentRequests < 0)
        {
            failures.Add("Proxy:RateLimit:ConcurrentRequests must be 0 (off) or positive.");
        }
        if (options.RateLimit.FailedAuthenticationsPerMinute < 0)
        {
            failures.Add("Proxy:RateLimit:FailedAuthenticationsPerMinute must be 0 (off) or positive.");
        }

        foreach (var (providerName, provider) in options.Providers)
        {
            if (provider.Kind is null)
            {
                failures.Add($"Proxy:Providers:{providerName}:Kind is missing; use one of {string.Join(", ", Enum.GetNames<ProviderKind>())}.");
            }
            if (provider.Endpoint is { } endpoint &&
                (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)))
            {
                failures.Add($"Proxy:Providers:{providerName}:Endpoint '{endpoint}' is not an absolute http(s) URL.");
            }
            if (provider.MaxOutputTokens is <= 0)
            {
                failures.Add($"Proxy:Providers:{providerName}:MaxOutputTokens must be positive.");
            }
            if (provider.Kind == ProviderKind.Anthropic && string.IsNullOrWhiteSpace(provider.ApiKey))
            {
                failures.Add($"Proxy:Providers:{providerName}:ApiKey is missing; the Anthropic API needs a key.");
            }
        }

        foreach (var (alias, model) in options.Models)
        {
            if (string.IsNullOrWhiteSpace(model.Provider))
            {
                failures.Add($"Proxy:Models:{alias}:Provider is missing.");
            }
            else if (!options.Providers.ContainsKey(model.Provider))
            {
                failures.Add($"Proxy:Models:{alias}:Provider '{model.Provider}' is not a configured provider (add Proxy:Providers:{model.Provider}).");
            }
            if (string.IsNullOrWhiteSpace(model.Model))
            {
                failures.Add($"Proxy:Models:{alias}:Model is missing (the upstream model name).");
            }
            if (model.ContextLength is <= 0)
            {
                failures.Add($"Proxy:Models:{alias}:ContextLength must be positive.");
            }
            if (model.MaxOutputTokens is <= 0)
            {
                failures.Add($"Proxy:Models:{alias}:MaxOutputTokens must be positive.");
            }
            if (model.PromptCacheTtl is not ("5m" or "1h"))
            {
                failures.Add($"Proxy:Models:{alias}:PromptCacheTtl must be 5m or 1h.");
            }
            if (model.Pricing is { InputPerMillion: < 0 } or { CachedInputPerMillion: < 0 } or { CacheWritePerMillion: < 0 } or { OutputPerMillion: < 0 })
            {
                failures.Add($"Proxy:Models:{alias}:Pricing prices cannot be negative.");
            }
            for (var i = 0; i < model.Fallbacks.Count; i++)
            {
                var fallback = model.Fallbacks[i];
                if (string.IsNullOrWhiteSpace(fallback))
                {
                    failures.Add($"Proxy:Models:{alias}:Fallbacks:{i} is blank.");
                }
                else if (!options.Models.ContainsKey(fallback))
                {
                    failures.Add($"Proxy:Models:{alias}:Fallbacks:{i} '{fallback}' is not a configured alias (Proxy:Models).");
                }
                else if (string.Equals(fallback, alias, StringComparison.OrdinalIgnoreCase))
                {
                    failures.Add($"Proxy:Models:{alias}:Fallbacks:{i} names the alias itself.");
                }
            }
        }

        if (options.DefaultModel is { Length: > 0 } defaultModel &&
            !options.Models.ContainsKey(defaultModel) &&
            !options.TrySplitDirectModel(defaultModel, out _, out _))
        {
            failures.Add($"Proxy:DefaultModel '{defaultModel}' is neither a configured alias (Proxy:Models) nor '<provider>/<model>'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private const string HowToMakeAKey = "Generate one with `openssl rand -hex 24` (or `[Convert]::ToHexString((1..24|%{Get-Random -Max 256}))` in PowerShell)";

    private static void ValidateKeys(ProxyOptions options, List<string> failures)
    {
        if (options.ApiKeys.Count == 0 && options.Keys.Count == 0)
        {
            failures.Add(
                "No API key is configured (Proxy:ApiKeys or Proxy:Keys). The proxy is meant to sit on a public URL and will not start without a key. " +
                "Set one, e.g. `dotnet user-secrets set \"Proxy:ApiKeys:0\" \"$(openssl rand -hex 24)\" --project CursorAspire.Proxy` " +
                "or the environment variable Proxy__ApiKeys__0 (the AppHost generates one for you).");
        }
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            CheckKey(options.ApiKeys[i], $"Proxy:ApiKeys:{i}", failures);
        }
        foreach (var (keyName, key) in options.Keys)
        {
            var setting = $"Proxy:Keys:{keyName}";
            switch (key.Key, key.KeyHash)
            {
                case (null, null):
                    failures.Add($"{setting} has neither Key nor KeyHash.");
                    break;
                case (not null, not null):
                    failures.Add($"{setting} has both Key and KeyHash; keep one.");
                    break;
                case (not null, null):
                    CheckKey(key.Key, $"{setting}:Key", failures);
                    break;
                default:
                    if (!KeyHashes.TryParse(key.KeyHash, out _))
                    {
                        failures.Add($"{setting}:KeyHash must be 'sha256:' and 64 hex digits (e.g. `printf %s \"$KEY\" | sha256sum`).");
                    }
                    break;
            }
            foreach (var alias in key.Models)
            {
                if (!options.Models.ContainsKey(alias))
                {
                    failures.Add($"{setting}:Models lists '{alias}', which is not a configured alias (Proxy:Models).");
                }
            }
            if (key.TokensPerDay is <= 0)
            {
                failures.Add($"{setting}:TokensPerDay must be positive (leave it out for no budget).");
            }
            if (key.RequestsPerMinute is < 0 || key.ConcurrentRequests is < 0)
            {
                failures.Add($"{setting}:RequestsPerMinute and ConcurrentRequests must be 0 (off) or positive.");
            }
        }
    }

    private static void CheckKey(string? key, string setting, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            failures.Add($"{setting} is blank. {HowToMakeAKey}.");
        }
        else if (key.Trim().Length < ProxyOptions.MinimumKeyLength)
        {
            // The value itself is never repeated: it is a secret, even when a weak one.
            failures.Add($"{setting} is shorter than {ProxyOptions.MinimumKeyLength} characters, too easy to guess on a public URL. {HowToMakeAKey}.");
        }
    }
}
