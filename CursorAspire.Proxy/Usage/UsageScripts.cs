namespace CursorAspire.Proxy.Usage;

/// <summary>
/// The Lua scripts that admit and settle a key's requests in Redis: each decides and writes in one round trip, with no
/// request of another replica in between (Redis runs a script alone; Garnet with <c>--lua-transaction-mode true</c>).
/// </summary>
/// <remarks>
/// Hand-written because a budget must be checked and reserved in the same step: a read followed by a write lets every
/// request in flight pass the same check, which is how 24 concurrent requests spent 1,262 tokens of a 1,000-token budget.
/// </remarks>
internal static class UsageScripts
{
    /// <summary>
    /// Admission. <c>KEYS</c>: today's usage hash, the key's reservations, its check nonces, its settled ids.
    /// <c>ARGV</c>: now (unix ms), the budget, the check allowance (0 for a request that is not a proven check), the
    /// tokens to reserve, the reservation's id, when it expires (unix ms), the check's nonce (empty for none), when the
    /// nonce may be forgotten.
    /// </summary>
    /// <remarks>
    /// Expired reservations (their proxy died) are dropped. The request is refused when what is spent and reserved has
    /// reached the budget, so a budget is passed by at most the last admitted request's reservation. A proven check whose
    /// nonce is new reserves against today's check allowance (when it fits); a nonce seen before makes it an ordinary
    /// request. An id already settled holds nothing: this script outlived the store's timeout, the proxy went on without
    /// it, and the request ended before the script ran. Returns <c>{admitted, spent, reserved, counted as check}</c>.
    /// </remarks>
    public const string Reserve = """
        if redis.call('ZSCORE', KEYS[4], ARGV[5]) then return {1, 0, 0, 0} end
        local now = tonumber(ARGV[1])
        local spent = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
        local reserved, checkReserved = 0, 0
        local held = redis.call('HGETALL', KEYS[2])
        for i = 1, #held, 2 do
          local expires, tokens, kind = string.match(held[i + 1], '^(%d+)|(%d+)|(%a)$')
          if expires == nil or tonumber(expires) <= now then
            redis.call('HDEL', KEYS[2], held[i])
          elseif kind == 'c' then
            checkReserved = checkReserved + tonumber(tokens)
          else
            reserved = reserved + tonumber(tokens)
          end
        end
        if spent + reserved >= tonumber(ARGV[2]) then
          return {0, spent, reserved, 0}
        end
        local kind = 'b'
        if ARGV[7] ~= '' then
          local nonces = redis.call('HGETALL', KEYS[3])
          for i = 1, #nonces, 2 do
            if tonumber(nonces[i + 1]) <= now then redis.call('HDEL', KEYS[3], nonces[i]) end
          end
          if redis.call('HSETNX', KEYS[3], ARGV[7], ARGV[8]) == 1 then
            local checkSpent = tonumber(redis.call('HGET', KEYS[1], 'check-total') or '0')
            if checkSpent + checkReserved + tonumber(ARGV[4]) <= tonumber(ARGV[3]) then kind = 'c' end
          end
        end
        redis.call('HSET', KEYS[2], ARGV[5], ARGV[6] .. '|' .. ARGV[4] .. '|' .. kind)
        return {1, spent, reserved, kind == 'c' and 1 or 0}
        """;

    /// <summary>
    /// Settlement. <c>KEYS</c>: today's usage hash, the key's reservations, its days, its settled ids. <c>ARGV</c>: the
    /// settlement's id (its reservation's; empty for none), now (unix ms), when the id may be forgotten (unix ms), the
    /// day's name and number, the first day kept, the usage hashes' prefix, then counter and amount pairs to add.
    /// </summary>
    /// <remarks>
    /// Releases the reservation and adds what the request really cost, once per id: a settlement whose script outlived
    /// the store's timeout ran here all the same while the proxy counted it in process, and the proxy hands it back with
    /// the same id, which then changes nothing (returns 0). Settled ids are a sorted set scored by when they may be
    /// forgotten, pruned here. The first count of a day deletes the usage hashes of days before the retention: they have
    /// no TTL, so nothing else would.
    /// </remarks>
    public const string Settle = """
        if ARGV[1] ~= '' then
          redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', ARGV[2])
          if redis.call('ZSCORE', KEYS[4], ARGV[1]) then return 0 end
          redis.call('ZADD', KEYS[4], ARGV[3], ARGV[1])
          redis.call('HDEL', KEYS[2], ARGV[1])
        end
        for i = 8, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
        if redis.call('ZADD', KEYS[3], ARGV[5], ARGV[4]) == 1 then
          local old = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[6])
          for _, day in ipairs(old) do redis.call('DEL', ARGV[7] .. day) end
          if #old > 0 then redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', '(' .. ARGV[6]) end
        end
        return 1
        """;

    /// <summary>
    /// Hands Redis the reservations this process held while Redis was down. <c>KEYS</c>: the key's reservations, its
    /// settled ids. <c>ARGV</c>: id and value pairs.
    /// </summary>
    /// <remarks>One whose request settled meanwhile (on its way here) is not held again.</remarks>
    public const string Hold = """
        for i = 1, #ARGV, 2 do
          if not redis.call('ZSCORE', KEYS[2], ARGV[i]) then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        end
        return 1
        """;
}
