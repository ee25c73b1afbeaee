using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;
using Polly.CircuitBreaker;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// The proxy's stored state (conversations, reasoning) in its <see cref="IDistributedCache"/>, behind one
/// <see cref="GuardedStore"/>: <c>Proxy:Storage:Timeout</c> per operation and a breaker, so a dead Redis never adds
/// more than the timeout to a request, and nothing once the breaker is open. Failures are
/// <see cref="StateStoreUnavailableException"/>; each caller decides what that means for its request.
/// </summary>
public sealed class StateStore
{
    private readonly GuardedStore _store;

    public StateStore(IDistributedCache cache, IOptions<StateStoreOptions> options, TimeProvider time, ILogger<StateStore> logger)
    {
        var settings = options.Value;
        _store = new GuardedStore(cache, settings.Timeout, settings.Breaker, time,
            opened: (error, breakDuration) => logger.LogWarning(
                "The proxy's store (Redis) is failing ({Error}); stored conversations and reasoning are skipped for {BreakDuration}.",
                error?.Message ?? "unknown", breakDuration),
            closed: () => logger.LogInformation("The proxy's store (Redis) answers again."));
    }

    /// <inheritdoc cref="GuardedStore.CircuitState"/>
    public CircuitState CircuitState => _store.CircuitState;

    /// <inheritdoc cref="GuardedStore.GetAsync"/>
    public ValueTask<byte[]?> GetAsync(string key, CancellationToken cancellationToken) => _store.GetAsync(key, cancellationToken);

    /// <inheritdoc cref="GuardedStore.SetAsync"/>
    public ValueTask SetAsync(string key, byte[] value, DistributedCacheEntryOptions entry, CancellationToken cancellationToken) =>
        _store.SetAsync(key, value, entry, cancellationToken);
}
