using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using CursorAspire.Proxy.Storage;
using Polly.CircuitBreaker;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The response cache's access to its <see cref="IDistributedCache"/> (Redis in production), made safe to put in
/// front of every request by a <see cref="GuardedStore"/> (<see cref="ResponseCacheOptions.RedisTimeout"/> and
/// <see cref="ResponseCacheOptions.Breaker"/>), with every failure reported as "unusable" rather than thrown.
/// </summary>
/// <remarks>
/// The outage is logged once per breaker opening and counted per failed operation (<c>cursoraspire.cache.errors</c>).
/// One instance serves every provider pipeline, so there is one breaker per store.
/// </remarks>
public sealed class ResponseCacheStore
{
    /// <summary>Service key of the <see cref="IDistributedCache"/> registered for the response cache.</summary>
    public const string ServiceKey = "cursoraspire.response-cache";

    private readonly GuardedStore _store;
    private readonly ResponseCacheMetrics _metrics;
    private readonly ILogger _logger;
    private readonly TimeSpan _ttl;

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
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        var settings = options.Value;
        _ttl = settings.Ttl;
        _store = new GuardedStore(cache, settings.RedisTimeout, settings.Breaker, timeProvider ?? TimeProvider.System,
            opened: (error, breakDuration) =>
            {
                ResponseCacheLog.BreakerOpened(_logger, error?.GetType().Name ?? "unknown", error?.Message ?? "unknown", breakDuration);
                _metrics.BreakerOpened();
            },
            closed: () => ResponseCacheLog.BreakerClosed(_logger));
    }

    /// <summary>The breaker's state: <see cref="CircuitState.Open"/> while the store is being skipped.</summary>
    public CircuitState CircuitState => _store.CircuitState;

    /// <summary>Reads an entry; never throws for store failures.</summary>
    internal async ValueTask<CacheReadResult> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var value = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
            return value is null ? CacheReadResult.NotFound : new CacheReadResult(value, false);
        }
        catch (StateStoreUnavailableException ex)
        {
            Report(ex);
            return CacheReadResult.Failure;
        }
    }

    /// <summary>Writes an entry with the configured TTL; returns <see langword="false"/> if the store was not usable.</summary>
    internal async ValueTask<bool> TrySetAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        try
        {
            await _store.SetAsync(key, value, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = _ttl }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (StateStoreUnavailableException ex)
        {
            Report(ex);
            return false;
        }
    }

    /// <summary>
    /// Runs a Redis command of the cache's own (its claims) under the store's timeout and breaker: a failing Redis costs
    /// it no more than a read. False when the store was not usable; never throws for store failures.
    /// </summary>
    internal async ValueTask<(bool Ok, T? Value)> TryExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> command, CancellationToken cancellationToken)
    {
        try
        {
            return (true, await _store.ExecuteAsync(operation, command, cancellationToken).ConfigureAwait(false));
        }
        catch (StateStoreUnavailableException ex)
        {
            Report(ex);
            return (false, default);
        }
    }

    private void Report(StateStoreUnavailableException ex)
    {
        _metrics.Error(ex.Operation, ex.Reason);
        ResponseCacheLog.OperationFailed(_logger, ex.Operation, ex.Reason);
    }
}
