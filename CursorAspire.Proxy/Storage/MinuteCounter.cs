using System.Globalization;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// Counts per UTC minute in the proxy's store, so every replica sharing it and a restart see one count; while the store
/// is down, in this process's memory. The per-minute limits of the public URL (a key's requests, an address's failed
/// authentications) count here.
/// </summary>
/// <remarks>
/// Two ways to keep a count, because Redis runs with <c>maxmemory-policy volatile-lru</c> (only keys with a TTL may be
/// evicted): a <em>durable</em> count (a key's requests, which protect money) is one hash per counter without a TTL,
/// whose old minutes the same script removes as it counts a new one; any other (an address's failed authentications:
/// one hash per address ever seen, which must not pile up) is one hash per minute with a two-minute TTL, and may be
/// forgotten under memory pressure, which only forgives an address some failures.
/// </remarks>
public sealed class MinuteCounter(StateStore store, TimeProvider time)
{
    // Long enough to outlive the minute it counts, whatever the clocks of the replicas say.
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(2);

    // HINCRBY this minute; keep it and the minute before (replicas' clocks differ a little), drop any other.
    private const string CountDurably = """
        local count = redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])
        if redis.call('HLEN', KEYS[1]) > 2 then
          for _, minute in ipairs(redis.call('HKEYS', KEYS[1])) do
            if minute ~= ARGV[1] and minute ~= ARGV[3] then redis.call('HDEL', KEYS[1], minute) end
          end
        end
        return count
        """;

    private readonly MemoryCounters _whileStoreIsDown = new(time);

    /// <summary>Adds <paramref name="count"/> to this minute's count for <paramref name="key"/>.</summary>
    /// <param name="key">The counter's name.</param>
    /// <param name="count">How much to add.</param>
    /// <param name="durable">Keep the count without a TTL (see the remarks): for limits that protect money.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The minute's count so far, and when the minute ends.</returns>
    public async ValueTask<(long Count, DateTimeOffset MinuteEnds)> AddAsync(string key, int count, bool durable, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var minute = Minute(now);
        var minuteKey = $"{key}:{minute}";
        long total;
        try
        {
            total = durable && store.IsShared
                ? (long)await store.EvaluateAsync("count", CountDurably, [key], [minute, count, Minute(now.AddMinutes(-1))], cancellationToken).ConfigureAwait(false)
                : await store.AddAsync(minuteKey, "count", count, Ttl, cancellationToken).ConfigureAwait(false);
        }
        catch (StateStoreUnavailableException)
        {
            total = _whileStoreIsDown.Add(minuteKey, "count", count, Ttl);
        }
        return (total, now.AddTicks(TimeSpan.TicksPerMinute - now.UtcTicks % TimeSpan.TicksPerMinute));
    }

    private static string Minute(DateTimeOffset at) => at.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
}
