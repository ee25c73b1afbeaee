using System.Collections.Concurrent;
using CursorAspire.Proxy.Context;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Coalescing across replicas. On a miss, the replica whose request goes upstream first claims the key in Redis: a key of
/// its own with a short time to live (<see cref="ResponseCacheOptions.ClaimTtl"/>), renewed while the call runs. An
/// identical request on another replica finds the claim and waits: for the claimant's word on a Redis channel when its
/// answer is stored (or when it has none to share), else looking again every third of the time to live. Then it reads the
/// answer from the store like any hit. A claimant that dies stops renewing; its claim expires and the next waiter to look
/// takes it and goes upstream itself.
/// </summary>
/// <remarks>
/// <para>Hand-written on StackExchange.Redis's lock primitives (<c>LockTake</c>, <c>LockExtend</c>, <c>LockRelease</c>):
/// distributed-lock libraries hand a lock from waiter to waiter, which after an answer that cannot be stored would send
/// every waiter upstream one after another; here the waiters read the claimant's answer, or all go at once when it has
/// none.</para>
/// <para>Every Redis command runs under the response cache's timeout and breaker (<see cref="ResponseCacheStore"/>): with
/// Redis failing, a request goes upstream on its own instead of waiting. Without Redis (process memory) there are no
/// other replicas to wait for, and nothing is claimed.</para>
/// </remarks>
public sealed class ResponseCacheClaims
{
    /// <summary>The prefix of claim keys, before the cache key.</summary>
    public const string KeyPrefix = "cursoraspire:response-claim:";

    /// <summary>The channel a claimant's word goes out on: <c>1</c> (stored) or <c>0</c> (nothing to share), then the cache key.</summary>
    public const string Channel = "cursoraspire:response-claims";

    private readonly IConnectionMultiplexer? _redis;
    private readonly ResponseCacheStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> _words = new(StringComparer.Ordinal);
    private readonly Lock _subscribing = new();
    private Task? _subscription;

    /// <summary>Creates the claims; without <paramref name="redis"/> nothing is claimed.</summary>
    public ResponseCacheClaims(ResponseCacheStore store, IOptions<ResponseCacheOptions> options, TimeProvider? time = null, IConnectionMultiplexer? redis = null, ILogger<ResponseCacheClaims>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _redis = redis;
        _time = time ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        Ttl = options.Value.ClaimTtl;
        LookAgainEvery = Ttl / 3;
    }

    /// <summary>How long a claim lives unless renewed.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>How often a claim is renewed, and how often a waiter looks again without word from the claimant.</summary>
    public TimeSpan LookAgainEvery { get; }

    /// <summary>Whether there are other replicas to coalesce with (the store is Redis).</summary>
    public bool Enabled => _redis is not null;

    /// <summary>Subscribes to the claimants' words (at start-up, so the first waiters hear them); retried when a wait needs it.</summary>
    public Task SubscribeAsync()
    {
        if (_redis is null)
        {
            return Task.CompletedTask;
        }

        lock (_subscribing)
        {
            if (_subscription is null || _subscription.IsFaulted || _subscription.IsCanceled)
            {
                _subscription = _redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(Channel), (_, message) => Hear(message));
            }

            return _subscription;
        }
    }

    /// <summary>
    /// Claims <paramref name="key"/> for this request's upstream call, or waits while another replica holds it. The answer
    /// when one was stored meanwhile; else the claim (held until released: renewed while the call runs); else neither, and
    /// the request goes upstream on its own (no Redis, Redis failing, or the claimant had nothing to share).
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="readStore">Reads the key's entry from the store.</param>
    /// <param name="cancellationToken">The request's token: a waiter whose client left stops waiting.</param>
    /// <param name="scope">The request's cache scope, told while it waits for another replica's answer.</param>
    internal async ValueTask<(byte[]? Answer, ResponseCacheClaim? Claim)> AcquireAsync(
        string key, Func<CancellationToken, ValueTask<CacheReadResult>> readStore, CancellationToken cancellationToken, ResponseCacheScope? scope = null)
    {
        if (_redis is null)
        {
            return (null, null);
        }

        _ = SubscribeAsync(); // heard words wake a waiter at once; without them it looks again on its own
        var claimKey = new RedisKey(KeyPrefix + key);
        var token = new RedisValue(Guid.NewGuid().ToString("N"));
        var logged = false;
        while (true)
        {
            // Listening before the attempt: a word sent between a failed attempt and the wait is not missed.
            var word = _words.GetOrAdd(key, static _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                var (ok, taken) = await _store.TryExecuteAsync("claim", _ => _redis.GetDatabase().LockTakeAsync(claimKey, token, Ttl), cancellationToken).ConfigureAwait(false);
                if (!ok)
                {
                    return (null, null);
                }

                if (taken)
                {
                    var claim = new ResponseCacheClaim(this, key, claimKey, token);
                    // The answer may have been stored between this request's miss and its claim.
                    var stored = await readStore(cancellationToken).ConfigureAwait(false);
                    if (stored.Found)
                    {
                        claim.Release(stored: true);
                        return (stored.Value, null);
                    }

                    return (null, claim);
                }

                if (!logged)
                {
                    scope?.AwaitingSharedAnswer = true;
                    ResponseCacheLog.WaitingForReplica(_logger);
                    logged = true;
                }

                if (await WaitForWordAsync(word.Task, cancellationToken).ConfigureAwait(false) is false)
                {
                    return (null, null); // the claimant had nothing to share: go upstream, as its local followers do
                }
            }
            finally
            {
                _words.TryRemove(new KeyValuePair<string, TaskCompletionSource<bool>>(key, word));
            }

            var read = await readStore(cancellationToken).ConfigureAwait(false);
            if (read.Failed)
            {
                return (null, null);
            }

            if (read.Found)
            {
                return (read.Value, null);
            }
        }
    }

    /// <summary>Renews a claim this replica holds; false when it is no longer its own (expired, or Redis failed).</summary>
    internal async Task<bool> RenewAsync(RedisKey claimKey, RedisValue token)
    {
        var (ok, extended) = await _store.TryExecuteAsync("claim", _ => _redis!.GetDatabase().LockExtendAsync(claimKey, token, Ttl), CancellationToken.None).ConfigureAwait(false);
        if (!(ok && extended))
        {
            ResponseCacheLog.ClaimLost(_logger, ok ? "it expired" : "Redis failed");
        }

        return ok && extended;
    }

    /// <summary>Releases a claim and says whether its answer is in the store.</summary>
    internal async Task ReleaseAsync(string key, RedisKey claimKey, RedisValue token, bool stored)
    {
        var (released, _) = await _store.TryExecuteAsync("claim", _ => _redis!.GetDatabase().LockReleaseAsync(claimKey, token), CancellationToken.None).ConfigureAwait(false);
        var (published, _) = await _store.TryExecuteAsync("claim", _ => _redis!.GetSubscriber().PublishAsync(RedisChannel.Literal(Channel), (stored ? "1" : "0") + key), CancellationToken.None).ConfigureAwait(false);
        if (!(released && published))
        {
            ResponseCacheLog.ClaimLost(_logger, "Redis failed; the claim expires by itself");
        }
    }

    internal ITimer StartRenewing(TimerCallback renew) => _time.CreateTimer(renew, null, LookAgainEvery, LookAgainEvery);

    /// <summary>True (stored) or false (nothing to share) when the claimant's word came; null when it is time to look again.</summary>
    private async Task<bool?> WaitForWordAsync(Task<bool> word, CancellationToken cancellationToken)
    {
        using var stopDelay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var lookAgain = Task.Delay(LookAgainEvery, _time, stopDelay.Token);
        var first = await Task.WhenAny(word, lookAgain).ConfigureAwait(false);
        await stopDelay.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        return first == word ? await word.ConfigureAwait(false) : null;
    }

    private void Hear(RedisValue message)
    {
        var text = (string?)message;
        if (text is { Length: > 1 } && _words.TryRemove(text[1..], out var word))
        {
            word.TrySetResult(text[0] == '1');
        }
    }
}
