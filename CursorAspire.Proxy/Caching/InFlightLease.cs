namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The leader's promise to hand its answer to concurrent identical requests: those of this process, and through its
/// <see cref="Claim"/> those of the other replicas.
/// </summary>
internal sealed class InFlightLease
{
    private readonly InFlightCoalescer _owner;
    private readonly TaskCompletionSource<byte[]?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InFlightLease(InFlightCoalescer owner, string key)
    {
        _owner = owner;
        Key = key;
    }

    public string Key { get; }

    public Task<byte[]?> Result => _result.Task;

    /// <summary>The claim on the key across replicas, while this leader's upstream call runs; null without one.</summary>
    public ResponseCacheClaim? Claim { get; set; }

    /// <summary>
    /// Publishes the serialized answer (or <see langword="null"/>: nothing to share, go upstream yourselves). Idempotent.
    /// A published answer stays joinable until <see cref="Release"/>, which the leader calls once the store write is
    /// done, so a request arriving in between is served by the lease rather than missing in the store.
    /// </summary>
    public void Complete(byte[]? payload)
    {
        _result.TrySetResult(payload);
        if (payload is null)
        {
            Release(stored: false);
        }
    }

    /// <summary>Leaves the in-flight map and releases the claim, saying whether the answer was stored. Idempotent.</summary>
    public void Release(bool stored)
    {
        _owner.Remove(this);
        Claim?.Release(stored);
    }
}
