using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Validates <see cref="ResponseCacheOptions"/> at start-up, naming the offending configuration key,
/// so a bad setting fails before the first request rather than inside it.
/// </summary>
public sealed class ResponseCacheOptionsValidator : IValidateOptions<ResponseCacheOptions>
{
    private const string Prefix = ResponseCacheOptions.SectionName + ":";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ResponseCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();

        if (options.Ttl < TimeSpan.FromSeconds(1) || options.Ttl > TimeSpan.FromDays(30))
        {
            failures.Add($"{Prefix}Ttl must be between 00:00:01 and 30.00:00:00 (was {options.Ttl}).");
        }

        if (options.RedisTimeout < TimeSpan.FromMilliseconds(10) || options.RedisTimeout > TimeSpan.FromSeconds(30))
        {
            failures.Add($"{Prefix}RedisTimeout must be between 00:00:00.010 and 00:00:30 (was {options.RedisTimeout}).");
        }

        if (options.MaxEntryBytes < 1024)
        {
            failures.Add($"{Prefix}MaxEntryBytes must be at least 1024 (was {options.MaxEntryBytes}).");
        }

        if (options.Breaker is null)
        {
            failures.Add($"{Prefix}Breaker must not be null.");
        }
        else
        {
            failures.AddRange(options.Breaker.Problems(Prefix + "Breaker"));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
