using System.Collections.Concurrent;

namespace CursorAspire.Proxy.Storage;

/// <summary>Named counters in process memory, grouped like Redis hashes, each group with an expiry.</summary>
/// <remarks>What <see cref="StateStore"/> counts with when there is no Redis, and what counting falls back to while Redis is down.</remarks>
public sealed class MemoryCounters(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Group> _groups = new(StringComparer.Ordinal);

    public void Increment(string key, IEnumerable<KeyValuePair<string, long>> increments, TimeSpan ttl)
    {
        var fields = GroupFor(key, ttl).Fields;
        // Indexed when it can be (no enumerator per settle), and the update without a closure per counter.
        if (increments is IReadOnlyList<KeyValuePair<string, long>> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                fields.AddOrUpdate(list[i].Key, static (_, value) => value, static (_, current, value) => current + value, list[i].Value);
            }
            return;
        }
        foreach (var (field, value) in increments)
        {
            fields.AddOrUpdate(field, static (_, value) => value, static (_, current, value) => current + value, value);
        }
    }

    /// <summary>Adds <paramref name="value"/> to one counter and returns its new value.</summary>
    public long Add(string key, string field, long value, TimeSpan ttl) =>
        GroupFor(key, ttl).Fields.AddOrUpdate(field, static (_, value) => value, static (_, current, value) => current + value, value);

    public IReadOnlyDictionary<string, long> Get(string key) =>
        _groups.TryGetValue(key, out var group) && group.Expires > time.GetUtcNow()
            ? new Dictionary<string, long>(group.Fields, StringComparer.Ordinal)
            : new Dictionary<string, long>();

    /// <summary>Takes every live group out: what was counted here, to be added to Redis once it answers again.</summary>
    public IReadOnlyList<(string Key, TimeSpan Ttl, KeyValuePair<string, long>[] Fields)> Drain()
    {
        var now = time.GetUtcNow();
        var drained = new List<(string, TimeSpan, KeyValuePair<string, long>[])>();
        foreach (var key in _groups.Keys)
        {
            if (_groups.TryRemove(key, out var group) && group.Expires > now)
            {
                drained.Add((key, group.Expires - now, [.. group.Fields]));
            }
        }
        return drained;
    }

    private Group GroupFor(string key, TimeSpan ttl)
    {
        var now = time.GetUtcNow();
        var group = _groups.AddOrUpdate(key,
            static (_, at) => new Group(at.Now + at.Ttl),
            static (_, existing, at) => existing.Expires <= at.Now ? new Group(at.Now + at.Ttl) : existing,
            (Now: now, Ttl: ttl));
        if (_groups.Count > 10_000)
        {
            Prune(now);
        }
        return group;
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, group) in _groups)
        {
            if (group.Expires <= now)
            {
                _groups.TryRemove(key, out _);
            }
        }
    }

    private sealed class Group(DateTimeOffset expires)
    {
        public DateTimeOffset Expires { get; } = expires;
        public ConcurrentDictionary<string, long> Fields { get; } = new(StringComparer.Ordinal);
    }
}
