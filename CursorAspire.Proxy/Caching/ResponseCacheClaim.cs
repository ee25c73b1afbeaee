using StackExchange.Redis;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// A claim this replica holds on a cache key while its upstream call runs (<see cref="ResponseCacheClaims"/>): renewed
/// every third of its time to live until released, once, with word of whether the answer was stored.
/// </summary>
internal sealed class ResponseCacheClaim
{
    private readonly ResponseCacheClaims _claims;
    private readonly string _key;
    private readonly RedisKey _claimKey;
    private readonly RedisValue _token;
    private readonly ITimer _renewal;
    private int _released;
    private int _renewing;

    public ResponseCacheClaim(ResponseCacheClaims claims, string key, RedisKey claimKey, RedisValue token)
    {
        _claims = claims;
        _key = key;
        _claimKey = claimKey;
        _token = token;
        _renewal = claims.StartRenewing(_ => Renew());
    }

    /// <summary>Stops renewing, removes the claim and tells the waiting replicas; only the first call counts. Never throws.</summary>
    /// <param name="stored">Whether the answer is in the store (the waiters read it) or not (they go upstream themselves).</param>
    public void Release(bool stored)
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }

        _renewal.Dispose();
        _ = _claims.ReleaseAsync(_key, _claimKey, _token, stored);
    }

    private void Renew()
    {
        if (Volatile.Read(ref _released) == 1 || Interlocked.Exchange(ref _renewing, 1) == 1)
        {
            return; // released, or the last renewal is still on its way
        }

        _ = RenewAsync();

        async Task RenewAsync()
        {
            try
            {
                if (!await _claims.RenewAsync(_claimKey, _token).ConfigureAwait(false))
                {
                    await _renewal.DisposeAsync().ConfigureAwait(false); // lost: renewing cannot win it back
                }
            }
            finally
            {
                Volatile.Write(ref _renewing, 0);
            }
        }
    }
}
