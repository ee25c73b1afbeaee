namespace CursorAspire.Proxy.Caching;

/// <summary>The leader's promise to hand its answer to concurrent identical requests.</summary>
internal sealed class InFlightLease
{
    private readonly InFlightResponses _owner;
    private readonly TaskCompletionSource<byte[]?> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InFlightLease(InFlightResponses owner, string key)
    {
        _owner = owner;
        Key = key;
    }

    public string Key { get; }

    public Task<byte[]?> Result => _result.Task;

    /// <summary>Publishes the serialized answer (or <see langword="null"/>: nothing to share) and leaves the map. Idempotent.</summary>
    public void Complete(byte[]? payload)
    {
        // Leave the map first so a request arriving after this point reads the store instead of a finished lease.
        _owner.Remove(this);
        _result.TrySetResult(payload);
    }
}
