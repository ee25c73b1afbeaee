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
}
