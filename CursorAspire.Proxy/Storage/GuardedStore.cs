using Microsoft.Extensions.Caching.Distributed;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// An <see cref="IDistributedCache"/> made safe to put in front of every request: each operation is bounded by a
/// timeout, and a circuit breaker stops calling a store that keeps failing, so a dead Redis costs at most the timeout
/// until the breaker opens and nothing after. Every failure surfaces as <see cref="StateStoreUnavailableException"/>.
/// </summary>
/// <remarks>
/// The timeout does not rely on the store honouring cancellation (<c>RedisCache</c> does not pass the token on to
/// Redis): the wait is abandoned when the deadline passes. One instance per store means one breaker per store.
/// </remarks>
public sealed class GuardedStore
{
    private readonly IDistributedCache _cache;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerStateProvider _breakerState = new();

    /// <param name="cache">The store of entries (its breaker also guards <see cref="ExecuteAsync"/>).</param>
    /// <param name="timeout">Longest wait for one operation.</param>
    /// <param name="breaker">When the breaker opens and for how long.</param>
    /// <param name="time">The clock the breaker and timeout run on.</param>
    /// <param name="opened">Called when the breaker opens, with the failure that opened it and how long it stays open.</param>
    /// <param name="closed">Called when the breaker closes again.</param>
    public GuardedStore(IDistributedCache cache, TimeSpan timeout, BreakerOptions breaker, TimeProvider time,
        Action<Exception?, TimeSpan>? opened = null, Action? closed = null)
    {
        _cache = cache;
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
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
                    opened?.Invoke(args.Outcome.Exception, args.BreakDuration);
                    return ValueTask.CompletedTask;
                },
                OnClosed = _ =>
                {
                    closed?.Invoke();
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(timeout)
            .Build();
    }

    /// <summary>The breaker's state: <see cref="CircuitState.Open"/> while the store is being skipped.</summary>
    public CircuitState CircuitState => _breakerState.CircuitState;

    /// <summary>Reads an entry; null when there is none.</summary>
    /// <exception cref="StateStoreUnavailableException">The store failed, timed out or is being skipped.</exception>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) =>
        ExecuteAsync("read", token => _cache.GetAsync(key, token), cancellationToken);

    /// <summary>Writes an entry.</summary>
    /// <exception cref="StateStoreUnavailableException">The store failed, timed out or is being skipped.</exception>
    public async ValueTask SetAsync(string key, byte[] value, DistributedCacheEntryOptions entry, CancellationToken cancellationToken) =>
        await ExecuteAsync("write", async token =>
        {
            await _cache.SetAsync(key, value, entry, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Deletes an entry (nothing when there is none).</summary>
    /// <exception cref="StateStoreUnavailableException">The store failed, timed out or is being skipped.</exception>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken) =>
        await ExecuteAsync("write", async token =>
        {
            await _cache.RemoveAsync(key, token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <summary>Runs any operation on the same store under the same timeout and breaker.</summary>
    /// <exception cref="StateStoreUnavailableException">The store failed, timed out or is being skipped.</exception>
    public async ValueTask<T> ExecuteAsync<T>(string operation, Func<CancellationToken, Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (action, token) => await AbandonOnCancel(action(token), token).ConfigureAwait(false),
                action,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsStoreFailure(ex, cancellationToken))
        {
            throw Unavailable(operation, ex);
        }
    }

    private static bool IsStoreFailure(Exception ex, CancellationToken cancellationToken) =>
        !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static StateStoreUnavailableException Unavailable(string operation, Exception ex) => new(operation, ex switch
    {
        BrokenCircuitException => "breaker_open",
        TimeoutRejectedException => "timeout",
        _ => "exception",
    }, ex);

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

    // An abandoned store call may still fail later; observe it so it is not reported as unobserved.
    private static void Observe(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
