using CursorAspire.Proxy.Storage;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>The proxy's <see cref="StateStore"/> over a given cache, as the proxy builds it, for store-level tests.</summary>
public static class StateStores
{
    public static StateStore Over(IDistributedCache cache, TimeSpan? timeout = null, TimeProvider? time = null, IConnectionMultiplexer? redis = null) =>
        new(cache, Options.Create(new StateStoreOptions { Timeout = timeout ?? TimeSpan.FromSeconds(5) }), time ?? TimeProvider.System, NullLogger<StateStore>.Instance, redis);
}
