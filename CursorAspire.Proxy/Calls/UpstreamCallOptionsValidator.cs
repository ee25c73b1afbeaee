using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Calls;

/// <summary>Fails start-up on upstream deadlines, retries or a breaker the call policy cannot use, naming the key.</summary>
public sealed class UpstreamCallOptionsValidator : OptionsValidator<UpstreamCallOptions>
{
    protected override IEnumerable<string?> Problems(UpstreamCallOptions options)
    {
        yield return PositiveTimeSpan(options.UpstreamFirstByteTimeout, "Proxy:UpstreamFirstByteTimeout", "00:02:00");
        yield return PositiveTimeSpan(options.UpstreamIdleTimeout, "Proxy:UpstreamIdleTimeout", "00:02:00");
        yield return PositiveTimeSpan(options.UpstreamTotalTimeout, "Proxy:UpstreamTotalTimeout", "00:02:00");
        if (options.Retry.MaxAttempts < 1)
        {
            yield return "Proxy:Retry:MaxAttempts must be at least 1 (the first attempt; 1 means no retries).";
        }
        if (options.Retry.MaxRetryAfter < TimeSpan.Zero)
        {
            yield return "Proxy:Retry:MaxRetryAfter must not be negative (00:00:00 never waits for a 429's Retry-After).";
        }
        foreach (var problem in options.Breaker.Problems("Proxy:Breaker"))
        {
            yield return problem;
        }
    }
}
