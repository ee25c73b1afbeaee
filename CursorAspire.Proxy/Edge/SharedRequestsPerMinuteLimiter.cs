using System.Globalization;
using System.Threading.RateLimiting;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// A key's requests per minute, counted in the proxy's store (Redis under the AppHost) per UTC minute, so every proxy
/// that shares the store enforces one limit and a restart does not hand out a fresh minute. While the store is down,
/// each process limits on its own with a token bucket of the same size, as a lone proxy would.
/// </summary>
/// <remarks>
/// Hand-written because ASP.NET Core's limiters keep their state in process memory, and the Redis-backed ones on NuGet
/// answer a dead Redis with an exception (a 500 and no limit). This one plugs into the same rate-limiting middleware:
/// the middleware first tries <see cref="RateLimiter.AttemptAcquire(int)"/>, which cannot wait on the store, so that
/// declines and <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/> counts.
/// </remarks>
public sealed class SharedRequestsPerMinuteLimiter : RateLimiter
{
    private static readonly TimeSpan CounterTtl = TimeSpan.FromMinutes(2);

    private readonly string _keyId;
    private readonly int _perMinute;
    private readonly StateStore _store;
    private readonly TimeProvider _time;
    private readonly TokenBucketRateLimiter _whileStoreIsDown;
    private long _lastUsed;

    public SharedRequestsPerMinuteLimiter(string keyId, int perMinute, StateStore store, TimeProvider time)
    {
        _keyId = keyId;
        _perMinute = perMinute;
        _store = store;
        _time = time;
        _lastUsed = time.GetTimestamp();
        _whileStoreIsDown = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>How long since the last request: the partitioned limiter drops an idle key's limiter (the count stays in the store).</summary>
    public override TimeSpan? IdleDuration => _time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => _whileStoreIsDown.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotTriedWithoutWaiting;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, _time.GetTimestamp());
        var now = _time.GetUtcNow();
        long count;
        try
        {
            count = await _store.AddAsync(
                $"cursoraspire:rate:{_keyId}:{now.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}", "requests", permitCount, CounterTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException)
        {
            return await _whileStoreIsDown.AcquireAsync(permitCount, cancellationToken).ConfigureAwait(false);
        }
        return count <= _perMinute
            ? Lease.Acquired
            : Lease.Refused(TimeSpan.FromTicks(TimeSpan.TicksPerMinute - now.UtcTicks % TimeSpan.TicksPerMinute));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _whileStoreIsDown.Dispose();
        }
        base.Dispose(disposing);
    }

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Acquired = new(true, null);
        public static readonly Lease NotTriedWithoutWaiting = new(false, null);

        public override bool IsAcquired { get; } = acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
