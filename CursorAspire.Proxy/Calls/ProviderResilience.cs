using System.Collections.Concurrent;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// What guards a provider before the first byte, one Polly pipeline per provider: retries with backoff and jitter for
/// connection failures and 5xx, and for a 429 whose <c>Retry-After</c> is short (<c>Proxy:Retry</c>); inside them a
/// circuit breaker (<c>Proxy:Breaker</c>) that, while open, lets the provider's routes go straight to their fallbacks
/// without paying a timeout per request.
/// </summary>
public sealed class ProviderResilience(IOptions<UpstreamCallOptions> options, TimeProvider time, ProxyMetrics metrics, ILogger<ProviderResilience> logger)
{
    private readonly UpstreamCallOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, ResiliencePipeline> _guards = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Starts a call to <paramref name="provider"/> under its retries and breaker.</summary>
    /// <exception cref="BrokenCircuitException">The breaker is open.</exception>
    /// <exception cref="ProxyException">The call failed after its retries.</exception>
    public ValueTask<T> ExecuteAsync<T>(string provider, Func<CancellationToken, ValueTask<T>> start, CancellationToken cancellationToken) =>
        _guards.GetOrAdd(provider, Build).ExecuteAsync(static (start, token) => start(token), start, cancellationToken);

    private ResiliencePipeline Build(string provider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (_options.Retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = _options.Retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(250),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProxyException error && IsRetryable(error)),
                // A 429 says how long to wait; anything else backs off.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception is ProxyException { StatusCode: 429 } limited
                    ? limited.RetryAfterDelay(time.GetUtcNow())
                    : null),
                OnRetry = args =>
                {
                    metrics.UpstreamRetries.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", provider));
                    logger.LogInformation("Retrying provider {Provider} in {Delay} after {Error}.", provider, args.RetryDelay, (args.Outcome.Exception as ProxyException)?.Code);
                    return ValueTask.CompletedTask;
                },
            });
        }
        var breaker = _options.Breaker;
        builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions
        {
            FailureRatio = breaker.FailureRatio,
            MinimumThroughput = breaker.MinimumThroughput,
            SamplingDuration = breaker.SamplingDuration,
            BreakDuration = breaker.BreakDuration,
            // The provider failing, not the request, a rate limit or a wrong upstream key (an open breaker would hide
            // "the provider refused the key" behind "unavailable"): unreachable, 5xx, no first byte in time.
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProxyException { StatusCode: >= 500, Code: not "upstream_auth_failed" }),
            OnOpened = args =>
            {
                metrics.BreakerOpened.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", provider));
                logger.LogWarning("Provider {Provider} keeps failing ({Error}); its routes go straight to their fallbacks for {BreakDuration}.",
                    provider, (args.Outcome.Exception as ProxyException)?.Message, args.BreakDuration);
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                logger.LogInformation("Provider {Provider} answers again.", provider);
                return ValueTask.CompletedTask;
            },
        });
        return builder.Build();
    }

    private bool IsRetryable(ProxyException error) => error.StatusCode switch
    {
        StatusCodes.Status429TooManyRequests => error.RetryAfterDelay(time.GetUtcNow()) is { } wait && wait <= _options.Retry.MaxRetryAfter,
        // A timeout is not retried (waiting that long again is worse than a fallback), nor refused credentials.
        _ => error.StatusCode >= 500 && error.Code is not ("upstream_timeout" or "upstream_auth_failed"),
    };
}
