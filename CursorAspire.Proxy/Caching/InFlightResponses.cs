using System.Collections.Concurrent;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Coalesces concurrent identical misses in this process: the first request for a key becomes the leader and
/// calls the upstream; later ones wait for the leader's serialized answer and replay it. If the leader fails,
/// is cancelled or produces nothing storable, the waiters are released to call the upstream themselves.
/// </summary>
public sealed class InFlightResponses
{
    private readonly ConcurrentDictionary<string, InFlightLease> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Number of keys currently being fetched (for diagnostics and tests).</summary>
    public int Count => _inFlight.Count;

    /// <summary>
    /// Either makes the caller the leader for <paramref name="key"/> (returns a lease to complete) or returns
    /// the pending answer of the current leader (<paramref name="pending"/>; <see langword="null"/> bytes mean "go yourself").
    /// </summary>
    internal InFlightLease? TryLead(string key, out Task<byte[]?>? pending)
    {
        var candidate = new InFlightLease(this, key);
        var current = _inFlight.GetOrAdd(key, candidate);
        if (ReferenceEquals(current, candidate))
        {
            pending = null;
            return candidate;
        }

        pending = current.Result;
        return null;
    }

    internal void Remove(InFlightLease lease) =>
        _inFlight.TryRemove(new KeyValuePair<string, InFlightLease>(lease.Key, lease));
}
