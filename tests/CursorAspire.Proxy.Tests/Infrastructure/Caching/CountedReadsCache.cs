using Microsoft.Extensions.Caching.Distributed;

namespace CursorAspire.Proxy.Tests.Infrastructure.Caching;

/// <summary>
/// The response cache's <see cref="IDistributedCache"/> with a count of the reads it has answered, so a test can wait
/// until concurrent requests have all looked in the store instead of sleeping.
/// </summary>
/// <remarks>
/// A read is counted after its answer is handed back, and handing it back runs the caller on synchronously (the
/// task's continuations are not forced asynchronous; the store and the middleware await with
/// <c>ConfigureAwait(false)</c>) to its next wait. So once a miss is counted, its request has gone on to the in-flight
/// map: to the upstream as the leader, or to wait on the leader as a follower.
/// </remarks>
internal sealed class CountedReadsCache(IDistributedCache inner) : IDistributedCache
{
    /// <summary>Reads answered (found, missing or failed).</summary>
    public AwaitableCount Reads { get; } = new();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        var answer = new TaskCompletionSource<byte[]?>();
        _ = AnswerAsync();
        return answer.Task;

        async Task AnswerAsync()
        {
            try
            {
                answer.SetResult(await inner.GetAsync(key, token).ConfigureAwait(false));
            }
            catch (Exception ex)
            {
                answer.SetException(ex);
            }

            Reads.Add(1);
        }
    }

    public byte[]? Get(string key) => inner.Get(key);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => inner.Set(key, value, options);

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        inner.SetAsync(key, value, options, token);

    public void Refresh(string key) => inner.Refresh(key);

    public Task RefreshAsync(string key, CancellationToken token = default) => inner.RefreshAsync(key, token);

    public void Remove(string key) => inner.Remove(key);

    public Task RemoveAsync(string key, CancellationToken token = default) => inner.RemoveAsync(key, token);
}
