using System.Net.Sockets;
using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Storage;

/// <summary>
/// A Redis that never answered since start-up: operations wait for the first connection only while the store's breaker
/// is closed; once it has opened (Redis known to be down), an operation fails at once instead of waiting out the
/// operation timeout again.
/// </summary>
public sealed class NeverConnectedRedisTests
{
    [Fact]
    public async Task OnceTheBreakerIsOpenAnOperationFailsWithoutWaitingForTheFirstConnection()
    {
        var timeout = TimeSpan.FromSeconds(1);
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{ClosedPort()},abortConnect=false,connectTimeout=200,connectRetry=0");
        var store = StateStores.Over(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())), timeout, redis: redis);

        // The breaker's minimum throughput of failures, each one waiting for a connection that never comes.
        for (var i = 0; i < new StateStoreOptions().Breaker.MinimumThroughput; i++)
        {
            var failed = await Assert.ThrowsAsync<StateStoreUnavailableException>(() => store.AddAsync("k", "count", 1, TimeSpan.FromMinutes(1), CancellationToken.None).AsTask());
            Assert.True(failed.MayHaveRun);
        }
        Assert.False(store.IsAvailable);
        Assert.False(redis.IsConnected);

        var watch = Stopwatch.StartNew();
        var refused = await Assert.ThrowsAsync<StateStoreUnavailableException>(() => store.AddAsync("k", "count", 1, TimeSpan.FromMinutes(1), CancellationToken.None).AsTask());
        watch.Stop();

        Assert.Equal("breaker_open", refused.Reason);
        Assert.True(watch.Elapsed < timeout, $"an operation with the breaker open took {watch.Elapsed}, the timeout is {timeout}");
    }

    /// <summary>A loopback port nothing listens on: bound, read, and let go.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
