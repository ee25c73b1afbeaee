using CursorAspire.Proxy.Storage;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// What each key keeps in stored conversations, held to its <c>Proxy:Keys:&lt;name&gt;:StoredBytes</c>: every saved turn
/// is counted, and when the key is over, its oldest turns are dropped first, never a turn of the conversation being
/// saved. In Redis one script counts and drops (<see cref="Account"/>); without Redis, the same in process memory.
/// </summary>
/// <remarks>
/// The count is a sorted set of the key's turns by when they were stored and a hash of their sizes with a running
/// total, neither with a TTL (volatile-lru must not evict the count); the turns themselves expire (sliding
/// <c>Proxy:Conversations:Ttl</c>). Expired turns still counted are forgotten a few at a time as new ones are saved, and
/// they are the oldest, so the first dropped.
/// </remarks>
public sealed class StoredBytes(StateStore store, TimeProvider time)
{
    private const string TotalField = "#total";

    /// <summary>
    /// <c>KEYS</c>: the key's turns by time, their sizes. <c>ARGV</c>: the turn's id, its bytes, now (unix ms), the limit,
    /// the turns' key prefix, the time before which an unread turn has expired, then the ids of the conversation being
    /// saved (never dropped). Returns <c>{total, dropped}</c>.
    /// </summary>
    private const string Account = """
        local function forget(id)
          local size = tonumber(redis.call('HGET', KEYS[2], id) or '0')
          redis.call('HDEL', KEYS[2], id)
          redis.call('ZREM', KEYS[1], id)
          return redis.call('HINCRBY', KEYS[2], '#total', -size)
        end
        if redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) == 1 then
          redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
          redis.call('HINCRBY', KEYS[2], '#total', ARGV[2])
        end
        local total = tonumber(redis.call('HGET', KEYS[2], '#total') or '0')
        for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[6], 'LIMIT', 0, 16)) do
          if redis.call('EXISTS', ARGV[5] .. id) == 0 then total = forget(id) end
        end
        local keep = {}
        for i = 7, #ARGV do keep[ARGV[i]] = true end
        local dropped, at = 0, 0
        while total > tonumber(ARGV[4]) do
          local oldest = redis.call('ZRANGE', KEYS[1], at, at)
          if #oldest == 0 then break end
          if keep[oldest[1]] then
            at = at + 1
          else
            redis.call('DEL', ARGV[5] .. oldest[1])
            total = forget(oldest[1])
            dropped = dropped + 1
          end
        end
        return {total, dropped}
        """;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeyTurns> _inProcess = new(StringComparer.Ordinal);

    /// <summary>The name of a stored turn (also where <see cref="ConversationStore"/> keeps it).</summary>
    public static string TurnKey(string keyId, string responseId) => $"{TurnPrefix(keyId)}{responseId}";

    /// <summary>
    /// Counts a turn just saved for <paramref name="keyId"/> and drops the key's oldest turns while it is over
    /// <paramref name="limit"/>, never one of <paramref name="conversation"/>.
    /// </summary>
    /// <returns>The key's stored bytes now, and how many turns were dropped.</returns>
    /// <exception cref="StateStoreUnavailableException">Redis failed, timed out or is being skipped.</exception>
    public async Task<(long Total, int Dropped)> CountAsync(string keyId, string responseId, long bytes, long limit, TimeSpan ttl, IReadOnlyList<string> conversation, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (store.IsShared)
        {
            var values = new List<RedisValue>
            {
                responseId, bytes, now.ToUnixTimeMilliseconds(), limit, TurnPrefix(keyId), (now - ttl).ToUnixTimeMilliseconds(),
            };
            values.AddRange(conversation.Select(id => (RedisValue)id));
            var answer = (RedisResult[])(await store.EvaluateAsync("count stored bytes", Account,
                [$"cursoraspire:conversation-turns:{{{keyId}}}", $"cursoraspire:conversation-sizes:{{{keyId}}}"], [.. values], cancellationToken).ConfigureAwait(false))!;
            return ((long)answer[0], (int)answer[1]);
        }
        List<string> drop;
        long total;
        lock (_gate)
        {
            var turns = _inProcess.TryGetValue(keyId, out var known) ? known : _inProcess[keyId] = new KeyTurns();
            (total, drop) = turns.Add(responseId, bytes, now, now - ttl, limit, conversation);
        }
        foreach (var id in drop)
        {
            await store.RemoveAsync(TurnKey(keyId, id), cancellationToken).ConfigureAwait(false);
        }
        return (total, drop.Count);
    }

    // The key id in braces: a Redis Cluster hash tag, so a key's turns and its count share a slot the script may touch.
    private static string TurnPrefix(string keyId) => $"cursoraspire:conversation:{{{keyId}}}:";

    /// <summary>One key's turns, in process: the same rule as <see cref="Account"/>, except that expiry is by age alone.</summary>
    private sealed class KeyTurns
    {
        private readonly SortedSet<(DateTimeOffset At, string Id)> _byAge = [];
        private readonly Dictionary<string, (DateTimeOffset At, long Bytes)> _turns = new(StringComparer.Ordinal);
        private long _total;

        public (long Total, List<string> Dropped) Add(string id, long bytes, DateTimeOffset now, DateTimeOffset expiredBefore, long limit, IReadOnlyList<string> conversation)
        {
            if (_turns.TryAdd(id, (now, bytes)))
            {
                _byAge.Add((now, id));
                _total += bytes;
            }
            var dropped = new List<string>();
            foreach (var (at, old) in _byAge.ToList())
            {
                if (at >= expiredBefore && _total <= limit)
                {
                    break;
                }
                if (at < expiredBefore || !conversation.Contains(old, StringComparer.Ordinal))
                {
                    _byAge.Remove((at, old));
                    _total -= _turns[old].Bytes;
                    _turns.Remove(old);
                    if (at >= expiredBefore)
                    {
                        dropped.Add(old);
                    }
                }
            }
            return (_total, dropped);
        }
    }
}
