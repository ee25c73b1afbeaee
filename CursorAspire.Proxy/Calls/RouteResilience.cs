using System.Collections.Concurrent;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// What guards a route (a provider and one of its models) before the first byte, one Polly pipeline per route:
/// retries with backoff and jitter for 5xx and for a 429 whose <c>Retry-After</c> is short (<c>Proxy:Retry</c>); around
/// them the route's own circuit breaker, and around that the provider's, shared by all its routes (<c>Proxy:Breaker</c>).
/// While a breaker is open its routes go straight to their fallbacks without paying a failure per request.
/// </summary>
/// <remarks>
/// <para>
/// A model that fails (a 70B model out of memory answering 500, a timeout) opens its own route only: the 7B model beside
/// it keeps answering. A failure of the whole provider (<see cref="ProxyException.ProviderWide"/>: connection refused, a
/// name that does not resolve, the proxy's key refused) counts against the provider's breaker, which opens all its
/// routes at once: the next model would fail the same way.
/// </para>
/// <para>
/// The breakers sit outside the retries, so they count requests, not calls: a request retried once is one failure, not
/// two. With the defaults a breaker opens on evidence a user would accept at a single user's pace: three requests in a
/// row failed within a minute with no success between them (each already retried), which the user has seen fail each
/// time with its own error. Earlier it opened after two requests (four calls) over a whole provider.
/// </para>
/// </remarks>
public sealed partial class RouteResilience(IOptions<UpstreamCallOptions> options, TimeProvider time, ProxyMetrics metrics, ILogger<RouteResilience> logger)
{
    private readonly UpstreamCallOptions _options = options.Value;
    private readonly ConcurrentDictionary<string, Breaker> _providers = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<(string Provider, string Model), (ResiliencePipeline Pipeline, Breaker Breaker)> _routes = new();

    /// <summary>Starts a call to <paramref name="route"/> under its retries and breakers.</summary>
    /// <exception cref="BrokenCircuitException">A breaker is open; <see cref="OpenBreaker"/> says which and why.</exception>
    /// <exception cref="ProxyException">The call failed after its retries.</exception>
    public ValueTask<T> ExecuteAsync<T>(ModelRoute route, Func<CancellationToken, ValueTask<T>> start, CancellationToken cancellationToken) =>
        Guard(route).Pipeline.ExecuteAsync(static (start, token) => start(token), start, cancellationToken);

    /// <summary>The 503 for a request refused by an open breaker of <paramref name="route"/>: which one, since when and why.</summary>
    public ProxyException OpenBreaker(ModelRoute route)
    {
        var provider = _providers.GetValueOrDefault(route.ProviderName);
        var (scope, breaker) = provider is { IsOpen: true }
            ? ($"Provider '{route.ProviderName}' failed as a whole, for all its models", provider)
            : ($"Model '{route.UpstreamModel}' of provider '{route.ProviderName}' keeps failing (its other models are not affected)", Guard(route).Breaker);
        return new ProxyException(StatusCodes.Status503ServiceUnavailable,
            $"{scope}: {breaker.OpenedBecause ?? "repeated failures"} The proxy is not calling it for up to {_options.Breaker.BreakDuration} (Proxy:Breaker); "
            + "configure Proxy:Models:<alias>:Fallbacks to have another model answer meanwhile.",
            OpenAIError.Upstream, "upstream_unavailable");
    }

    private (ResiliencePipeline Pipeline, Breaker Breaker) Guard(ModelRoute route) =>
        _routes.GetOrAdd((route.ProviderName, route.UpstreamModel), key =>
        {
            var providerBreaker = _providers.GetOrAdd(key.Provider, provider => new Breaker(state => BuildBreaker(provider, null, state, providerWide: true)));
            var routeBreaker = new Breaker(state => BuildBreaker(key.Provider, key.Model, state, providerWide: false));
            var builder = new ResiliencePipelineBuilder { TimeProvider = time }
                .AddPipeline(providerBreaker.Pipeline)
                .AddPipeline(routeBreaker.Pipeline);
            if (_options.Retry.MaxAttempts > 1)
            {
                builder.AddRetry(Retry(key.Provider));
            }

            return (builder.Build(), routeBreaker);
        });

    /// <summary>
    /// One breaker: the provider's counts only failures of the whole provider, a route's only its own (5xx, no first byte
    /// in time). An outcome a breaker does not handle counts as a success for it, which is right: the provider did answer
    /// when the model failed, and the model is not to blame when the provider was out of reach.
    /// </summary>
    private ResiliencePipeline BuildBreaker(string provider, string? model, Breaker state, bool providerWide)
    {
        var settings = _options.Breaker;
        var name = model is null ? provider : $"{provider}/{model}";
        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                StateProvider = state.StateProvider,
                // The provider failing, not the request or a rate limit: a route's breaker takes 5xx and timeouts, the
                // provider's what says the whole provider is out of reach (so "the key was refused" is said, not hidden).
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is ProxyException error
                    && (providerWide ? error.ProviderWide : !error.ProviderWide && error.StatusCode >= 500 && error.Code != "upstream_auth_failed")),
                OnOpened = args =>
                {
                    state.OpenedBecause = (args.Outcome.Exception as ProxyException)?.Message;
                    metrics.BreakerOpened.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", provider),
                        new KeyValuePair<string, object?>("cursoraspire.upstream.model", model ?? "*"));
                    LogBreakerOpened(logger, name, settings.MinimumThroughput, state.OpenedBecause, model is null ? "all its routes go straight to their fallbacks" : "its route goes straight to its fallbacks", args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    LogBreakerClosed(logger, name);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    private RetryStrategyOptions Retry(string provider) => new()
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
            LogRetrying(logger, provider, args.RetryDelay, (args.Outcome.Exception as ProxyException)?.Code);
            return ValueTask.CompletedTask;
        },
    };

    private bool IsRetryable(ProxyException error) => error.StatusCode switch
    {
        StatusCodes.Status429TooManyRequests => error.RetryAfterDelay(time.GetUtcNow()) is { } wait && wait <= _options.Retry.MaxRetryAfter,
        // Not a timeout (waiting that long again is worse than a fallback), nor a failure of the whole provider: a refused
        // connection or key answers the same way 250 ms later, and the fallback (or the error) should come at once.
        _ => error.StatusCode >= 500 && !error.ProviderWide && error.Code is not ("upstream_timeout" or "upstream_auth_failed"),
    };

    /// <summary>One breaker's pipeline, its state and why it last opened.</summary>
    private sealed class Breaker
    {
        public Breaker(Func<Breaker, ResiliencePipeline> build) => Pipeline = build(this);

        public CircuitBreakerStateProvider StateProvider { get; } = new();

        public ResiliencePipeline Pipeline { get; }

        public string? OpenedBecause { get; set; }

        public bool IsOpen => StateProvider.CircuitState is CircuitState.Open or CircuitState.Isolated;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Route} failed {Count} requests in a row ({Error}); {Which} for {BreakDuration}.")]
    private static partial void LogBreakerOpened(ILogger logger, string route, int count, string? error, string which, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Route} answers again.")]
    private static partial void LogBreakerClosed(ILogger logger, string route);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying provider {Provider} in {Delay} after {Error}.")]
    private static partial void LogRetrying(ILogger logger, string provider, TimeSpan delay, string? error);
}
