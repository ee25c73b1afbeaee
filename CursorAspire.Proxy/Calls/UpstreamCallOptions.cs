using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// How long an upstream call may take and what guards it: the upstream deadlines, retries and the provider breaker,
/// bound from the <c>Proxy</c> section (<c>Proxy:UpstreamFirstByteTimeout</c>, <c>Proxy:Retry</c>, <c>Proxy:Breaker</c>, …).
/// </summary>
public sealed class UpstreamCallOptions
{
    /// <summary>
    /// How long to wait for an upstream's first update before answering 504. Generous: a local model may spend
    /// minutes loading and reading a long prompt before its first token.
    /// </summary>
    public TimeSpan UpstreamFirstByteTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a stream may go without a new update from the upstream once it started, before the call is cancelled
    /// and the stream ends with the error as text. Generous: a local model can think for a long time between tokens.
    /// </summary>
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The longest any one upstream call may take, first byte to last.</summary>
    public TimeSpan UpstreamTotalTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Retries before the first byte (<c>Proxy:Retry</c>).</summary>
    public RetryOptions Retry { get; set; } = new();

    /// <summary>
    /// The breakers kept per route and per provider (<c>Proxy:Breaker</c>): while one is open, its routes go straight to
    /// their fallbacks. The defaults open one on evidence a user would accept at a single user's pace: 3 requests in a
    /// row failed within a minute, none succeeded (<c>FailureRatio</c> 1, <c>MinimumThroughput</c> 3,
    /// <c>SamplingDuration</c> 1 min), counted after retries; then 30 s open before one trial request.
    /// </summary>
    public BreakerOptions Breaker { get; set; } = new()
    {
        FailureRatio = 1,
        MinimumThroughput = 3,
        SamplingDuration = TimeSpan.FromMinutes(1),
        BreakDuration = TimeSpan.FromSeconds(30),
    };

    /// <summary>The first-byte deadline as it applies: never past the total one.</summary>
    internal TimeSpan FirstByteDeadline => UpstreamFirstByteTimeout < UpstreamTotalTimeout ? UpstreamFirstByteTimeout : UpstreamTotalTimeout;
}
