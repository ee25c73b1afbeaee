using System.Collections.Concurrent;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// The usage a proxy keeps in its own memory: all of it without Redis; while Redis is down, what it counted and
/// reserved meanwhile on top of what Redis last said, until <see cref="UsageLedger"/> hands it back to Redis.
/// </summary>
/// <remarks>
/// Admission here is the same rule as in Redis (<see cref="UsageScripts.Reserve"/>), under one lock: the process's
/// requests in flight cannot all pass the same check. Counts that never reached Redis (its breaker was open) are summed
/// per key-day; a settlement that may have reached it (its script timed out) or that releases a reservation Redis holds
/// is kept whole with its id (<see cref="PendingSettlement"/>), so Redis counts it once when it is handed back. Those are
/// few: the breaker opens after a handful of failures, and from then on nothing is sent.
/// </remarks>
internal sealed class InProcessUsage(TimeProvider time, TimeSpan retention)
{
    private readonly Lock _gate = new();
    // Counted here and never sent to Redis: all of it without Redis.
    private readonly MemoryCounters _counted = new(time);
    // Today's counters as Redis last returned them, per key-day: the base while Redis is down.
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> _lastKnown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenReservation> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    private readonly Lock _pendingGate = new();
    private readonly List<PendingSettlement> _pending = [];

    /// <summary>A day's counters: what Redis last said plus what was counted here since.</summary>
    public IReadOnlyDictionary<string, long> Day(string group)
    {
        var day = Sum(_lastKnown.GetValueOrDefault(group), _counted.Get(group));
        lock (_pendingGate)
        {
            foreach (var settlement in _pending)
            {
                if (settlement.Group == group)
                {
                    Add(day, settlement.Increments);
                }
            }
        }
        return day;
    }

    /// <summary>Remembers what Redis said of a day, the base should it go down.</summary>
    public void Known(string group, IReadOnlyDictionary<string, long> counters)
    {
        if (_lastKnown.Count > 10_000)
        {
            _lastKnown.Clear();
        }
        _lastKnown[group] = counters;
    }

    /// <summary>Keeps the base current after Redis counted <paramref name="increments"/>.</summary>
    public void KnownAdded(string group, IReadOnlyList<KeyValuePair<string, long>> increments) =>
        _lastKnown.AddOrUpdate(group, static (_, added) => Sum(null, added), static (_, known, added) => Sum(known, added), increments);

    /// <summary>Counts here: without Redis, or what never reached it.</summary>
    public void Count(string group, IReadOnlyList<KeyValuePair<string, long>> increments) => _counted.Increment(group, increments, retention);

    /// <summary>
    /// The admission rule of <see cref="UsageScripts.Reserve"/>, in this process, under the reservation's
    /// <paramref name="id"/> (the one a reserve script that timed out was given: Redis may hold it all the same, which
    /// <paramref name="reserveUnanswered"/> says).
    /// </summary>
    public Admission Reserve(ApiKeyIdentity key, string group, long budget, long tokens, long checkAllowance, string? nonce, DateTimeOffset expires,
        string id, bool reserveUnanswered)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            long reserved = 0, checkReserved = 0;
            foreach (var (heldId, held) in _reservations.ToList())
            {
                if (held.Expires <= now)
                {
                    _reservations.Remove(heldId);
                }
                else if (held.Key.Id == key.Id && held.IsCheck)
                {
                    checkReserved += held.Tokens;
                }
                else if (held.Key.Id == key.Id)
                {
                    reserved += held.Tokens;
                }
            }
            var today = Day(group);
            var spent = today.GetValueOrDefault(UsageLedger.TotalField);
            if (spent + reserved >= budget)
            {
                return new Admission(null, spent, reserved);
            }
            var isCheck = nonce is not null && NewNonce(key, nonce, now)
                && today.GetValueOrDefault(UsageLedger.CheckTotalField) + checkReserved + tokens <= checkAllowance;
            var reservation = TokenReservation.Held(key, id, tokens, isCheck, expires, heldInStore: false, reserveUnanswered);
            _reservations[reservation.Id] = reservation;
            return new Admission(reservation, spent, reserved);
        }
    }

    /// <summary>Lets go of a reservation this process held.</summary>
    public void Release(TokenReservation reservation)
    {
        lock (_gate)
        {
            _reservations.Remove(reservation.Id);
        }
    }

    /// <summary>
    /// Keeps a settlement Redis did not take, for when it answers again: <paramref name="byId"/> when it may have reached
    /// Redis after all or releases a reservation there, else summed with the key-day's other counts.
    /// </summary>
    public void Defer(string id, string group, IReadOnlyList<KeyValuePair<string, long>> increments, bool byId)
    {
        if (!byId)
        {
            Count(group, increments);
            return;
        }
        lock (_pendingGate)
        {
            _pending.Add(new PendingSettlement(id, group, [.. increments]));
        }
    }

    /// <summary>
    /// Takes out everything Redis should now be told: reservations held here, settlements kept by id, and what was
    /// counted here per key-day, each given an id so a hand-back that outlives the timeout is not counted twice either.
    /// </summary>
    public Backlog Drain()
    {
        List<TokenReservation> held;
        lock (_gate)
        {
            held = [.. _reservations.Values.Where(r => !r.HeldInStore)];
        }
        List<PendingSettlement> settlements;
        lock (_pendingGate)
        {
            settlements = [.. _pending];
            _pending.Clear();
        }
        foreach (var (group, _, fields) in _counted.Drain())
        {
            settlements.Add(new PendingSettlement(TokenReservation.NewId(), group, fields));
        }
        return new Backlog(held, settlements);
    }

    /// <summary>Puts back, by id, the settlements that could not be handed to Redis (the first may have reached it).</summary>
    public void Restore(IEnumerable<PendingSettlement> settlements)
    {
        lock (_pendingGate)
        {
            _pending.AddRange(settlements);
        }
    }

    /// <summary>Forgets what Redis said: Redis is the count again.</summary>
    public void ForgetKnown() => _lastKnown.Clear();

    private bool NewNonce(ApiKeyIdentity key, string nonce, DateTimeOffset now)
    {
        if (_nonces.Count > 10_000)
        {
            foreach (var (seen, until) in _nonces.ToList())
            {
                if (until <= now)
                {
                    _nonces.Remove(seen);
                }
            }
        }
        return _nonces.TryAdd($"{key.Id}|{nonce}", now + CheckProofs.NonceLifetime);
    }

    private static Dictionary<string, long> Sum(IReadOnlyDictionary<string, long>? known, IEnumerable<KeyValuePair<string, long>> here)
    {
        var sum = known is null ? new Dictionary<string, long>(StringComparer.Ordinal) : new Dictionary<string, long>(known, StringComparer.Ordinal);
        Add(sum, here);
        return sum;
    }

    private static void Add(Dictionary<string, long> sum, IEnumerable<KeyValuePair<string, long>> here)
    {
        foreach (var (field, value) in here)
        {
            sum[field] = sum.GetValueOrDefault(field) + value;
        }
    }

    /// <summary>What this process has to hand to Redis: reservations first, then settlements, each by id.</summary>
    public sealed record Backlog(IReadOnlyList<TokenReservation> Held, IReadOnlyList<PendingSettlement> Settlements);
}
