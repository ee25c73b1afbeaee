using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Edge;

/// <summary>Fails start-up on a body limit or rate limit the edge cannot apply, naming the key.</summary>
public sealed class EdgeOptionsValidator : OptionsValidator<EdgeOptions>
{
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
    }
}
