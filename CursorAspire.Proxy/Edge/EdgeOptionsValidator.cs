using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>Fails start-up on a body limit, rate limit, check secret or known proxy the edge cannot use, naming the key.</summary>
public sealed class EdgeOptionsValidator : OptionsValidator<EdgeOptions>
{
    /// <summary>The shortest check secret accepted: it signs requests that spend outside a budget.</summary>
    public const int MinimumCheckSecretLength = 32;

    protected override IEnumerable<string?> Problems(EdgeOptions options)
    {
        if (options.MaxRequestBodyBytes <= 0)
        {
            yield return $"Proxy:MaxRequestBodyBytes must be positive (default {EdgeOptions.DefaultMaxRequestBodyBytes}).";
        }
        if (options.RateLimit.RequestsPerMinute < 0)
        {
            yield return "Proxy:RateLimit:RequestsPerMinute must be 0 (off) or positive.";
        }
        if (options.RateLimit.ConcurrentRequests < 0)
        {
            yield return "Proxy:RateLimit:ConcurrentRequests must be 0 (off) or positive.";
        }
        if (options.RateLimit.FailedAuthenticationsPerMinute < 0)
        {
            yield return "Proxy:RateLimit:FailedAuthenticationsPerMinute must be 0 (off) or positive.";
        }
        if (options.CheckSecret is { Length: > 0 and < MinimumCheckSecretLength })
        {
            yield return $"Proxy:CheckSecret is shorter than {MinimumCheckSecretLength} characters; the AppHost generates one (Parameters:check-secret).";
        }
        for (var i = 0; i < options.ForwardedHeaders.KnownProxies.Count; i++)
        {
            var entry = options.ForwardedHeaders.KnownProxies[i];
            if (!System.Net.IPAddress.TryParse(entry, out _) && !(entry.Contains('/', StringComparison.Ordinal) && System.Net.IPNetwork.TryParse(entry, out _)))
            {
                yield return $"Proxy:ForwardedHeaders:KnownProxies:{i} '{entry}' is neither an IP address (10.0.0.5) nor a network (10.0.0.0/8).";
            }
        }
    }
}
