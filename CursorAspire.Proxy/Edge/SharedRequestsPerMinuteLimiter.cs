using System.Threading.RateLimiting;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Edge;

/// <summary>
/// A key's requests per minute, counted per UTC minute by <see cref="MinuteCounter"/> in the proxy's store (Redis under
/// the AppHost), so every proxy that shares the store enforces one limit and a restart does not hand out a fresh
/// minute. While the store is down, each process counts the minute on its own, as a lone proxy would.
/// </summary>
/// <remarks>
/// Hand-written because ASP.NET Core's limiters keep their state in process memory, and the Redis-backed ones on NuGet
/// answer a dead Redis with an exception (a 500 and no limit). This one plugs into the same rate-limiting middleware:
/// the middleware first tries <see cref="RateLimiter.AttemptAcquire(int)"/>, which cannot wait on the store, so that
/// declines and <see cref="RateLimiter.AcquireAsync(int, CancellationToken)"/> counts.
/// </remarks>
public sealed class SharedRequestsPerMinuteLimiter(string keyId, int perMinute, MinuteCounter counter, TimeProvider time) : RateLimiter
{
    private long _lastUsed = time.GetTimestamp();

    /// <summary>How long since the last request: the partitioned limiter drops an idle key's limiter (the count stays in the store).</summary>
    public override TimeSpan? IdleDuration => time.GetElapsedTime(Interlocked.Read(ref _lastUsed));

    public override RateLimiterStatistics? GetStatistics() => null;

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.NotTriedWithoutWaiting;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _lastUsed, time.GetTimestamp());
        var (count, minuteEnds) = await counter.AddAsync($"cursoraspire:rate:{keyId}", permitCount, durable: true, cancellationToken).ConfigureAwait(false);
        return count <= perMinute ? Lease.Acquired : Lease.Refused(minuteEnds - time.GetUtcNow());
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
