using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Validates <see cref="ResponseCacheOptions"/> at start-up, naming the offending configuration key,
/// so a bad setting fails before the first request rather than inside it.
/// </summary>
public sealed class ResponseCacheOptionsValidator : OptionsValidator<ResponseCacheOptions>
{
    private const string Prefix = ResponseCacheOptions.SectionName + ":";

    /// <inheritdoc />
    protected override IEnumerable<string?> Problems(ResponseCacheOptions options)
    {
        if (options.Ttl < TimeSpan.FromSeconds(1) || options.Ttl > TimeSpan.FromDays(30))
        {
            yield return $"{Prefix}Ttl must be between 00:00:01 and 30.00:00:00 (was {options.Ttl}).";
        }

        if (options.RedisTimeout < TimeSpan.FromMilliseconds(10) || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            yield return $"{Prefix}RedisTimeout must be between 00:00:00.010 and 00:00:30 (was {options.RedisTimeout}).";
        }

        if (options.ClaimTtl < TimeSpan.FromMilliseconds(300) || options.ClaimTtl > TimeSpan.FromMinutes(5))
        {
            yield return $"{Prefix}ClaimTtl must be between 00:00:00.300 and 00:05:00 (was {options.ClaimTtl}).";
        }

        if (options.MaxEntryBytes < 1024)
        {
            yield return $"{Prefix}MaxEntryBytes must be at least 1024 (was {options.MaxEntryBytes}).";
        }

        if (options.Breaker is null)
        {
            yield return $"{Prefix}Breaker must not be null.";
            yield break;
        }

        foreach (var problem in options.Breaker.Problems(Prefix + "Breaker"))
        {
            yield return problem;
        }
    }
}
