using System.Collections.Concurrent;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Coalesces concurrent identical misses in this process: the first request for a key becomes the leader and
/// calls the upstream; later ones wait for the leader's serialized answer and replay it. If the leader fails,
/// is cancelled or produces nothing storable, the waiters are released to call the upstream themselves.
/// </summary>
public sealed class InFlightCoalescer
{
    private readonly ConcurrentDictionary<string, InFlightLease> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Number of keys currently being fetched (for diagnostics and tests).</summary>
    public int Count => _inFlight.Count;

    /// <summary>
    /// Either makes the caller the leader for <paramref name="key"/> (<c>Lease</c>: the promise to complete), or waits
    /// for the current leader's answer (<c>Shared</c>; null when the leader had nothing to share: go upstream yourself,
    /// without a lease).
    /// </summary>
    internal ValueTask<(InFlightLease? Lease, byte[]? Shared)> JoinAsync(string key, CancellationToken cancellationToken)
    {
        var candidate = new InFlightLease(this, key);
        var current = _inFlight.GetOrAdd(key, candidate);
        return ReferenceEquals(current, candidate)
            ? ValueTask.FromResult<(InFlightLease?, byte[]?)>((candidate, null))
            : FollowAsync(current.Result, cancellationToken);
    }

    internal void Remove(InFlightLease lease) =>
        _inFlight.TryRemove(new KeyValuePair<string, InFlightLease>(lease.Key, lease));

    private static async ValueTask<(InFlightLease?, byte[]?)> FollowAsync(Task<byte[]?> pending, CancellationToken cancellationToken) =>
        (null, await pending.WaitAsync(cancellationToken).ConfigureAwait(false));
}
