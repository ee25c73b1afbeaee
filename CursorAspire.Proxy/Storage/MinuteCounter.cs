using System.Globalization;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// Counts per UTC minute in the proxy's store, so every replica sharing it and a restart see one count; while the store
/// is down, in this process's memory. The per-minute limits of the public URL (a key's requests, an address's failed
/// authentications) count here.
/// </summary>
public sealed class MinuteCounter(StateStore store, TimeProvider time)
{
    // Long enough to outlive the minute it counts, whatever the clocks of the replicas say.
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    private readonly MemoryCounters _whileStoreIsDown = new(time);

    /// <summary>Adds <paramref name="count"/> to this minute's count for <paramref name="key"/>.</summary>
    /// <returns>The minute's count so far, and when the minute ends.</returns>
    public async ValueTask<(long Count, DateTimeOffset MinuteEnds)> AddAsync(string key, int count, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minuteKey = $"{key}:{now.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture)}";
        long total;
        try
        {
            total = await store.AddAsync(minuteKey, "count", count, Ttl, cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException)
        {
            total = _whileStoreIsDown.Add(minuteKey, "count", count, Ttl);
        }
        return (total, now.AddTicks(TimeSpan.TicksPerMinute - now.UtcTicks % TimeSpan.TicksPerMinute));
    }
}
