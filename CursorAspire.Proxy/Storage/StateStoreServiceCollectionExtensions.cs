using CursorAspire.Proxy.Configuration;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Storage;

/// <summary>
/// Registers the proxy's stored state (<see cref="StateStore"/> over an
/// <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>): Redis when the AppHost provides one
/// (<c>ConnectionStrings:cache</c>), else process memory.
/// </summary>
public static class StateStoreServiceCollectionExtensions
{
    /// <param name="builder">The proxy's builder.</param>
    /// <param name="connectionName">The Aspire Redis resource's connection-string name.</param>
    public static WebApplicationBuilder AddProxyStateStore(this WebApplicationBuilder builder, string connectionName)
    {
        var services = builder.Services;
        services.AddValidatedOptions<StateStoreOptions, StateStoreOptionsValidator>(builder.Configuration.GetSection(StateStoreOptions.SectionName));
        services.AddSingleton<StateStore>();
        services.AddSingleton<MinuteCounter>();
        if (string.IsNullOrEmpty(builder.Configuration.GetConnectionString(connectionName)))
        {
            services.AddDistributedMemoryCache();
            return builder;
        }
        // Aspire's client: one shared connection with its health check and tracing; every store reuses it.
        builder.AddRedisClient(connectionName, configureOptions: RedisConnection.FailFast);
        services.AddStackExchangeRedisCache(_ => { });
        services.AddOptions<RedisCacheOptions>()
            .Configure<IServiceProvider>((redis, provider) =>
                redis.ConnectionMultiplexerFactory = () => Task.FromResult(provider.GetRequiredService<IConnectionMultiplexer>()));
        return builder;
    }
}
