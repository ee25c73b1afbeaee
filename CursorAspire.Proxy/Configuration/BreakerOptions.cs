namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// Circuit breaker settings (<c>Proxy:Cache:Breaker</c>, <c>Proxy:Storage:Breaker</c>, <c>Proxy:Breaker</c>). While
/// a breaker is open, requests skip what it guards (a store, a provider) entirely, so an outage adds no latency.
/// </summary>
public sealed class BreakerOptions
{
    /// <summary>Share of failed operations within <see cref="SamplingDuration"/> that opens the breaker. Default 0.5.</summary>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Operations needed within <see cref="SamplingDuration"/> before the ratio is judged. Default 4.</summary>
    public int MinimumThroughput { get; set; } = 4;

    /// <summary>Window over which failures are counted. Default 30 seconds.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the breaker stays open before one trial operation is let through. Default 30 seconds.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// What is wrong with these settings, each message naming its key under <paramref name="section"/> (e.g.
    /// <c>Proxy:Breaker</c>). The limits are Polly's own: checked at start-up, a bad value names the key instead of
    /// failing inside the first request.
    /// </summary>
    public IEnumerable<string> Problems(string section)
    {
        if (!(FailureRatio > 0 && FailureRatio <= 1))
        {
            yield return $"{section}:FailureRatio must be greater than 0 and at most 1 (was {FailureRatio}).";
        }
        if (MinimumThroughput < 2)
        {
            yield return $"{section}:MinimumThroughput must be at least 2 (was {MinimumThroughput}).";
        }
        if (SamplingDuration < TimeSpan.FromMilliseconds(500) || SamplingDuration > TimeSpan.FromDays(1))
        {
            yield return $"{section}:SamplingDuration must be between 00:00:00.500 and 1.00:00:00 (was {SamplingDuration}).";
        }
        if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
        {
            yield return $"{section}:BreakDuration must be between 00:00:00.500 and 1.00:00:00 (was {BreakDuration}).";
        }
    }
}
