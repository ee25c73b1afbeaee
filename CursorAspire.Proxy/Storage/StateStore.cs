using Microsoft.Extensions.Caching.Distributed;
using Polly.CircuitBreaker;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// The proxy's stored state (conversations, reasoning, usage counters) in Redis or process memory, behind one
/// <see cref="GuardedStore"/>: <c>Proxy:Storage:Timeout</c> per operation and a breaker, so a dead Redis never adds
/// more than the timeout to a request, and nothing once the breaker is open. Failures are
/// <see cref="StateStoreUnavailableException"/>; each caller decides what that means for its request.
/// </summary>
/// <remarks>
/// Entries go through <see cref="IDistributedCache"/>; counters need atomic increments that it lacks, so they use the
/// Redis connection itself (hashes with <c>HINCRBY</c>, Lua scripts for what must be decided and written in one step),
/// or <see cref="MemoryCounters"/> when there is no Redis. Entries (cached answers, conversations, reasoning) always
/// carry a TTL; counters, budgets and reservations never do, so a Redis under <c>maxmemory-policy volatile-lru</c>
/// may evict the first and never the second. Whoever writes such a key without a TTL prunes its old parts itself.
/// </remarks>
public sealed partial class StateStore
{
    private readonly GuardedStore _store;
    private readonly IConnectionMultiplexer? _redis;
    private readonly MemoryCounters? _memory;
    private readonly TimeSpan _timeout;
    private readonly Task _firstConnection;
    private readonly long _graceEnds = Environment.TickCount64 + (long)FirstConnectionGrace.TotalMilliseconds;

    /// <summary>
    /// How long after start-up an operation waits for the first connection to Redis (a restarting Redis may be replaying
    /// its log): budgets and usage read before it would be read from an empty process memory.
    /// </summary>
    public static readonly TimeSpan FirstConnectionGrace = TimeSpan.FromSeconds(5);

    public StateStore(IDistributedCache cache, IOptions<StateStoreOptions> options, TimeProvider time, ILogger<StateStore> logger, IConnectionMultiplexer? redis = null)
    {
        var settings = options.Value;
        _redis = redis;
        _timeout = settings.Timeout;
        _firstConnection = redis is null || redis.IsConnected ? Task.CompletedTask : FirstConnectionAsync(redis);
        _memory = redis is null ? new MemoryCounters(time) : null;
        _store = new GuardedStore(cache, settings.Timeout, settings.Breaker, time,
            opened: (error, breakDuration) => LogStoreFailing(logger, error?.Message ?? "unknown", breakDuration),
            closed: () => LogStoreAnswersAgain(logger));
    }

    /// <inheritdoc cref="GuardedStore.CircuitState"/>
    public CircuitState CircuitState => _store.CircuitState;

    /// <summary>Whether the state is in Redis, shared by every proxy using it and kept across restarts; false: this process's memory.</summary>
    public bool IsShared => _redis is not null;

    /// <summary>False while the breaker is open: Redis is known to be down, and nothing is tried until it may be back.</summary>
    public bool IsAvailable => _store.CircuitState is not (CircuitState.Open or CircuitState.Isolated);

    /// <inheritdoc cref="GuardedStore.GetAsync"/>
    public async ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="GuardedStore.SetAsync"/>
    public async ValueTask SetAsync(string key, byte[] value, DistributedCacheEntryOptions entry, CancellationToken cancellationToken)
    {
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _store.SetAsync(key, value, entry, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc cref="GuardedStore.RemoveAsync"/>
    public async ValueTask RemoveAsync(string key, CancellationToken cancellationToken)
    {
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        await _store.RemoveAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs <paramref name="script"/> on Redis under the store's timeout and breaker: one round trip, and atomic (Redis
    /// runs a script alone; Garnet does when started with <c>--lua-transaction-mode true</c>, as the AppHost and the
    /// tests start it).
    /// </summary>
    /// <param name="operation">What the script does, for the failure's message.</param>
    /// <param name="script">The Lua script (sent once, then by its hash).</param>
    /// <param name="keys">The keys it touches (<c>KEYS</c>).</param>
    /// <param name="values">Its arguments (<c>ARGV</c>).</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="StateStoreUnavailableException">Redis failed, timed out or is being skipped.</exception>
    /// <exception cref="InvalidOperationException">There is no Redis (<see cref="IsShared"/> is false).</exception>
    public async ValueTask<RedisResult> EvaluateAsync(string operation, string script, RedisKey[] keys, RedisValue[] values, CancellationToken cancellationToken)
    {
        var redis = _redis ?? throw new InvalidOperationException("The proxy's store has no Redis to run a script on.");
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ExecuteAsync(operation, _ => redis.GetDatabase().ScriptEvaluateAsync(script, keys, values), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds <paramref name="value"/> to one counter of the group <paramref name="key"/> atomically, (re)sets the group's
    /// expiry, and returns the counter's new value: a count every replica shares.
    /// </summary>
    /// <exception cref="StateStoreUnavailableException">Redis failed, timed out or is being skipped.</exception>
    public async ValueTask<long> AddAsync(string key, string field, long value, TimeSpan ttl, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            return _memory.Add(key, field, value, ttl);
        }
        var values = await IncrementInRedisAsync(key, [new(field, value)], ttl, cancellationToken).ConfigureAwait(false);
        return values[0];
    }

    /// <summary>The counters of the group <paramref name="key"/> (empty when there are none).</summary>
    /// <exception cref="StateStoreUnavailableException">Redis failed, timed out or is being skipped.</exception>
    public async ValueTask<IReadOnlyDictionary<string, long>> GetCountersAsync(string key, CancellationToken cancellationToken)
    {
        if (_memory is not null)
        {
            return _memory.Get(key);
        }
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ExecuteAsync<IReadOnlyDictionary<string, long>>("read", async _ =>
        {
            var entries = await _redis!.GetDatabase().HashGetAllAsync(key).ConfigureAwait(false);
            return entries.ToDictionary(e => e.Name.ToString(), e => (long)e.Value, StringComparer.Ordinal);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Right after start-up the connection to Redis is still being made (in the background: the proxy starts without
    /// Redis), and a command then fails at once; operations wait for it until <see cref="FirstConnectionGrace"/> after
    /// start-up has passed, and from then on at most the operation timeout (a Redis that is down costs no more).
    /// </summary>
    private async ValueTask ConnectedAsync(CancellationToken cancellationToken)
    {
        // Nor once the breaker is open: Redis is known to be down, and the operation fails at once without waiting.
        if (_firstConnection.IsCompleted || !IsAvailable)
        {
            return;
        }
        var wait = TimeSpan.FromMilliseconds(Math.Max(_timeout.TotalMilliseconds, _graceEnds - Environment.TickCount64));
        try
        {
            await _firstConnection.WaitAsync(wait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Still not connected: the operation fails as it would have, and counts for the breaker.
        }
    }

    // Polled rather than evented: the multiplexer raises no event for its first connection. Real time, whatever clock
    // the proxy runs on, and given up after a while (the breaker takes over from there).
    private static async Task FirstConnectionAsync(IConnectionMultiplexer redis)
    {
        for (var waited = 0; waited < 30_000 && !redis.IsConnected; waited += 20)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>HINCRBY for each counter and EXPIRE for the group, in one transaction; the counters' new values.</summary>
    private async ValueTask<long[]> IncrementInRedisAsync(string key, IReadOnlyList<KeyValuePair<string, long>> increments, TimeSpan ttl, CancellationToken cancellationToken)
    {
        await ConnectedAsync(cancellationToken).ConfigureAwait(false);
        return await _store.ExecuteAsync("count", async _ =>
        {
            var transaction = _redis!.GetDatabase().CreateTransaction();
            var added = increments.Select(i => transaction.HashIncrementAsync(key, i.Key, i.Value)).ToArray();
            var expiry = transaction.KeyExpireAsync(key, ttl);
            await transaction.ExecuteAsync().ConfigureAwait(false);
            await expiry.ConfigureAwait(false);
            return await Task.WhenAll(added).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The proxy's store (Redis) is failing ({Error}); stored conversations, reasoning and usage counters are skipped for {BreakDuration}.")]
    private static partial void LogStoreFailing(ILogger logger, string error, TimeSpan breakDuration);

    [LoggerMessage(Level = LogLevel.Information, Message = "The proxy's store (Redis) answers again.")]
    private static partial void LogStoreAnswersAgain(ILogger logger);
}
