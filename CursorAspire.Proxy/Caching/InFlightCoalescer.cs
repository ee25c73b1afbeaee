using System.Collections.Concurrent;
using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Coalesces concurrent identical misses: the first request for a key in this process becomes the leader; later ones wait
/// for the leader's serialized answer and replay it. The leader then claims the key across replicas
/// (<see cref="ResponseCacheClaims"/>): if another replica is already calling the upstream for it, the leader waits for
/// that answer instead, and hands it on. If a leader fails, is cancelled or produces nothing storable, its waiters are
/// released to call the upstream themselves.
/// </summary>
/// <param name="claims">The claims across replicas; null coalesces within this process only.</param>
public sealed class InFlightCoalescer(ResponseCacheClaims? claims = null)
{
    /// <summary>The hit source of an answer from a concurrent request of this process.</summary>
    public const string ThisProcess = "in_flight";

    /// <summary>The hit source of an answer from another replica's upstream call.</summary>
    public const string AnotherReplica = "replica";

    private readonly ConcurrentDictionary<string, InFlightLease> _inFlight = new(StringComparer.Ordinal);

    /// <summary>Number of keys currently being fetched (for diagnostics and tests).</summary>
    public int Count => _inFlight.Count;

    /// <summary>
    /// Either makes the caller the leader for <paramref name="key"/> (<c>Lease</c>: the promise to complete, holding the
    /// claim across replicas when there is one), or gives it the answer of a concurrent identical request (<c>Shared</c>,
    /// with its <c>Source</c>; neither when the leader had nothing to share: go upstream yourself, without a lease).
    /// </summary>
    /// <param name="key">The cache key.</param>
    /// <param name="readStore">Reads the key's entry from the store, where another replica's answer lands.</param>
    /// <param name="cancellationToken">The request's token.</param>
    /// <param name="scope">The request's cache scope, told while it waits for another's answer.</param>
    internal async ValueTask<(InFlightLease? Lease, byte[]? Shared, string Source)> JoinAsync(
        string key, Func<CancellationToken, ValueTask<CacheReadResult>> readStore, CancellationToken cancellationToken, ResponseCacheScope? scope = null)
    {
        var candidate = new InFlightLease(this, key);
        var current = _inFlight.GetOrAdd(key, candidate);
        if (!ReferenceEquals(current, candidate))
        {
            scope?.AwaitingSharedAnswer = true;
            return (null, await current.Result.WaitAsync(cancellationToken).ConfigureAwait(false), ThisProcess);
        }

        if (claims is null)
        {
            return (candidate, null, ThisProcess);
        }

        try
        {
            var (answer, claim) = await claims.AcquireAsync(key, readStore, cancellationToken, scope).ConfigureAwait(false);
            if (answer is not null)
            {
                candidate.Complete(answer); // this process's followers get it too
                candidate.Release(stored: true);
                return (null, answer, AnotherReplica);
            }

            candidate.Claim = claim;
            return (candidate, null, ThisProcess);
        }
        catch
        {
            candidate.Complete(null);
            throw;
        }
    }

    internal void Remove(InFlightLease lease) =>
        _inFlight.TryRemove(new KeyValuePair<string, InFlightLease>(lease.Key, lease));
}
