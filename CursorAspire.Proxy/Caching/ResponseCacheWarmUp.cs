using Microsoft.Extensions.Caching.Distributed;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// Opens the store's connection in the background at start-up, and subscribes to the other replicas' claims. Connecting
/// to Redis can take longer than <see cref="ResponseCacheOptions.RedisTimeout"/>. Without this warm-up, the first
/// requests after a start would fail their reads, report <see cref="Context.ResponseCacheOutcome.Error"/> and count towards the
/// breaker. Start-up is never delayed, and a failure here is only logged.
/// </summary>
internal sealed class ResponseCacheWarmUp(
    [FromKeyedServices(ResponseCacheStore.ServiceKey)] IDistributedCache cache,
    ResponseCacheClaims claims,
    IOptions<ResponseCacheOptions> options,
    ILogger<ResponseCacheWarmUp> logger) : BackgroundService
{
    private static readonly TimeSpan ConnectBudget = TimeSpan.FromSeconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await Task.Yield();
        try
        {
            // Any key will do: the read forces the connection open.
            await cache.GetAsync("warm-up", stoppingToken).WaitAsync(ConnectBudget, stoppingToken).ConfigureAwait(false);
            // Listening for the other replicas' claimants from the start, so the first coalesced misses are woken at once.
            await claims.SubscribeAsync().WaitAsync(ConnectBudget, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            ResponseCacheLog.OperationFailed(logger, "warm-up", ex.GetType().Name);
        }
    }
}
