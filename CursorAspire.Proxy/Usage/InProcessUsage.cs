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
/// requests in flight cannot all pass the same check.
/// </remarks>
internal sealed class InProcessUsage(TimeProvider time, TimeSpan retention)
{
    private readonly Lock _gate = new();
    private readonly MemoryCounters _counted = new(time);
    // Today's counters as Redis last returned them, per key-day: the base while Redis is down.
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> _lastKnown = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TokenReservation> _reservations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _nonces = new(StringComparer.Ordinal);
    // Reservations Redis holds whose requests ended while it was down: released there once it answers.
    private readonly ConcurrentQueue<TokenReservation> _toRelease = new();

    /// <summary>A day's counters: what Redis last said plus what was counted here since.</summary>
    public IReadOnlyDictionary<string, long> Day(string group) => Sum(_lastKnown.GetValueOrDefault(group), _counted.Get(group));

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

    /// <summary>Counts here.</summary>
    public void Count(string group, IReadOnlyList<KeyValuePair<string, long>> increments) => _counted.Increment(group, increments, retention);

    /// <summary>The admission rule of <see cref="UsageScripts.Reserve"/>, in this process.</summary>
    public Admission Reserve(ApiKeyIdentity key, string group, long budget, long tokens, long checkAllowance, string? nonce, DateTimeOffset expires)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            long reserved = 0, checkReserved = 0;
            foreach (var (id, held) in _reservations.ToList())
            {
                if (held.Expires <= now)
                {
                    _reservations.Remove(id);
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
            var reservation = TokenReservation.Held(key, TokenReservation.NewId(), tokens, isCheck, expires, heldInStore: false);
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

    /// <summary>Remembers a reservation Redis holds, to release there once Redis answers again.</summary>
    public void ReleaseLater(TokenReservation reservation) => _toRelease.Enqueue(reservation);

    /// <summary>Takes out everything Redis should now be told: counts, reservations held here, releases.</summary>
    public Backlog Drain()
    {
        var counted = _counted.Drain();
        List<TokenReservation> held;
        lock (_gate)
        {
            held = [.. _reservations.Values.Where(r => !r.HeldInStore)];
        }
        var releases = new List<TokenReservation>();
        while (_toRelease.TryDequeue(out var release))
        {
            releases.Add(release);
        }
        return new Backlog(counted, held, releases);
    }

    /// <summary>Puts back what could not be handed to Redis.</summary>
    public void Restore(IEnumerable<(string Key, TimeSpan Ttl, KeyValuePair<string, long>[] Fields)> counted, IEnumerable<TokenReservation> releases)
    {
        foreach (var (group, ttl, fields) in counted)
        {
            _counted.Increment(group, fields, ttl);
        }
        foreach (var release in releases)
        {
            _toRelease.Enqueue(release);
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
        foreach (var (field, value) in here)
        {
            sum[field] = sum.GetValueOrDefault(field) + value;
        }
        return sum;
    }

    /// <summary>What this process has to hand to Redis.</summary>
    public sealed record Backlog(
        IReadOnlyList<(string Key, TimeSpan Ttl, KeyValuePair<string, long>[] Fields)> Counted,
        IReadOnlyList<TokenReservation> Held,
        IReadOnlyList<TokenReservation> Releases)
    {
        public bool IsEmpty => Counted.Count == 0 && Held.Count == 0 && Releases.Count == 0;
    }
}
