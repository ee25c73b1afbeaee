using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The response cache's access to its <see cref="IDistributedCache"/> (Redis in production), made safe to put in
/// front of every request: each operation is bounded by <see cref="ResponseCacheOptions.RedisTimeout"/>, a circuit
/// breaker stops calling a store that keeps failing, and every failure is reported as "unusable" rather than thrown.
/// </summary>
/// <remarks>
/// The timeout does not rely on the store honouring cancellation (<c>RedisCache</c> does not pass the token to
/// Redis): the wait is abandoned when the deadline passes. The outage is logged once per breaker opening and
/// counted per failed operation (<c>cursoraspire.cache.errors</c>). One instance serves every provider pipeline,
/// so there is one breaker per store.
/// </remarks>
public sealed class ResponseCacheStore
{
    /// <summary>Service key of the <see cref="IDistributedCache"/> registered for the response cache.</summary>
    public const string ServiceKey = "cursoraspire.response-cache";

    private readonly IDistributedCache _cache;
    private readonly ResponseCacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _breakerState = new();

    /// <summary>Creates the store access.</summary>
    public ResponseCacheStore(
        [FromKeyedServices(ServiceKey)] IDistributedCache cache,
        IOptions<ResponseCacheOptions> options,
        ResponseCacheMetrics metrics,
        ILogger<ResponseCacheStore>? logger = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(metrics);
        _cache = cache;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        var settings = options.Value;
        _ttl = settings.Ttl;
        var breaker = settings.Breaker;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = timeProvider ?? TimeProvider.System }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = breaker.SamplingDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _breakerState,
                // The caller giving up is not the store failing; everything else (timeouts included) is.
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is TimeoutRejectedException
                    || args.Outcome.Exception is { } ex && ex is not OperationCanceledException),
                OnOpened = args =>
                {
                    var error = args.Outcome.Exception;
                    ResponseCacheLog.BreakerOpened(_logger, error?.GetType().Name ?? "unknown", error?.Message ?? "unknown", args.BreakDuration);
                    _metrics.BreakerOpened();
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    ResponseCacheLog.BreakerClosed(_logger);
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(settings.RedisTimeout)
            .Build();
    }

    /// <summary>The breaker's state: <see cref="CircuitState.Open"/> while the store is being skipped.</summary>
    public CircuitState CircuitState => _breakerState.CircuitState;

    /// <summary>Reads an entry; never throws for store failures.</summary>
    internal async ValueTask<CacheReadResult> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await _pipeline.ExecuteAsync(
                static async (state, token) => await AbandonOnCancel(state._cache.GetAsync(state.key, token), token).ConfigureAwait(false),
                (_cache, key),
                cancellationToken).ConfigureAwait(false);
            return value is null ? CacheReadResult.NotFound : new CacheReadResult(value, false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Report("read", ex);
            return CacheReadResult.Failure;
        }
    }

    /// <summary>Writes an entry with the configured TTL; returns <see langword="false"/> if the store was not usable.</summary>
    internal async ValueTask<bool> TrySetAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var entryOptions = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _ttl };
        try
        {
            await _pipeline.ExecuteAsync(
                static async (state, token) => await AbandonOnCancel(state._cache.SetAsync(state.key, state.value, state.entryOptions, token), token).ConfigureAwait(false),
                (_cache, key, value, entryOptions),
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Report("write", ex);
            return false;
        }
    }

    private void Report(string operation, Exception ex)
    {
        var reason = ex switch
        {
            BrokenCircuitException => "breaker_open",
            TimeoutRejectedException => "timeout",
            _ => "exception",
        };
        _metrics.Error(operation, reason);
        ResponseCacheLog.OperationFailed(_logger, operation, reason);
    }

    private static async Task<T> AbandonOnCancel<T>(Task<T> task, CancellationToken token)
    {
        try
        {
            return await task.WaitAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            Observe(task);
            throw;
        }
    }

    private static async Task<bool> AbandonOnCancel(Task task, CancellationToken token)
    {
        try
        {
            await task.WaitAsync(token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!task.IsCompleted)
        {
            Observe(task);
            throw;
        }
    }

    // An abandoned store call may still fail later; observe it so it is not reported as unobserved.
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
