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

        if (options.ApiKeys.Count == 0)
        {
            failures.Add(
                "Proxy:ApiKeys is empty. The proxy is meant to sit on a public URL and will not start without a key. " +
                "Set one, e.g. `dotnet user-secrets set \"Proxy:ApiKeys:0\" \"$(openssl rand -hex 24)\" --project CursorAspire.Proxy` " +
                "or the environment variable Proxy__ApiKeys__0 (the AppHost generates one for you).");
        }
        for (var i = 0; i < options.ApiKeys.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.ApiKeys[i]))
            {
                failures.Add($"Proxy:ApiKeys:{i} is blank.");
            }
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
        }

        if (options.DefaultModel is { Length: > 0 } defaultModel &&
            !options.Models.ContainsKey(defaultModel) &&
            !options.TrySplitDirectModel(defaultModel, out _, out _))
        {
            failures.Add($"Proxy:DefaultModel '{defaultModel}' is neither a configured alias (Proxy:Models) nor '<provider>/<model>'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
