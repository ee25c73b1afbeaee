using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// Retries of an upstream call before anything was sent to the client: <c>Proxy:Retry</c>. Connection failures and 5xx
/// are retried with backoff and jitter; a 429 only when its <c>Retry-After</c> is short. After that, the route's
/// fallbacks answer (<see cref="ModelOptions.Fallbacks"/>).
/// </summary>
public sealed class RetryOptions
{
    /// <summary>Attempts per route in all, the first included: 2 means one retry. 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 2;

    /// <summary>The longest <c>Retry-After</c> of a 429 worth waiting for; a longer one goes to the fallback, or back to the client.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(5);
}
