using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using CursorAspire.Proxy.Storage;
using CursorAspire.Proxy.Telemetry;
using StackExchange.Redis;
using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Caching;

/// <summary>Registers the response cache's services.</summary>
public static class ResponseCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers the response cache: options bound from <c>Proxy:Cache</c> and validated at start-up, the
    /// fail-open store (a keyed <see cref="IDistributedCache"/> under <see cref="ResponseCacheStore.ServiceKey"/>),
    /// the in-flight map with its claims across replicas (on the shared Redis connection) and the metrics. Add the middleware to each provider pipeline with
    /// <see cref="ResponseCacheChatClientBuilderExtensions.UseResponseCache"/>.
    /// </summary>
    /// <remarks>
    /// The store is Redis when <c>ConnectionStrings:&lt;redisConnectionName&gt;</c> is set (Aspire's
    /// <c>WithReference(redis)</c> sets it). If an <see cref="IConnectionMultiplexer"/> is registered (Aspire's
    /// <c>builder.AddRedisClient(name)</c>, with its health check and tracing), that connection is reused; otherwise one is
    /// opened with <c>abortConnect=false</c> so a Redis that is down at start-up does not stop the proxy. Without a
    /// connection string the store is process memory, and a warning says so. A keyed <see cref="IDistributedCache"/>
    /// registered before this call is kept. A hosted service opens the connection in the background at start-up.
    /// </remarks>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The application configuration.</param>
    /// <param name="redisConnectionName">The connection-string name of the Redis resource. Default <c>cache</c>.</param>
    public static IServiceCollection AddResponseCache(this IServiceCollection services, Microsoft.Extensions.Configuration.IConfiguration configuration, string redisConnectionName = "cache")
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(redisConnectionName);

        services.AddValidatedOptions<ResponseCacheOptions, ResponseCacheOptionsValidator>(configuration.GetSection(ResponseCacheOptions.SectionName));

        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProxyMeter>();
        services.TryAddSingleton<ResponseCacheMetrics>();
        services.TryAddSingleton<ResponseCacheClaims>();
        services.TryAddSingleton<InFlightCoalescer>();
        services.TryAddSingleton<ResponseCacheStore>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ResponseCacheWarmUp>());

        var connectionString = Microsoft.Extensions.Configuration.ConfigurationExtensions.GetConnectionString(configuration, redisConnectionName);
        services.TryAddKeyedSingleton<IDistributedCache>(ResponseCacheStore.ServiceKey, (provider, _) =>
            CreateStore(provider, connectionString, redisConnectionName));
        return services;
    }

    private static IDistributedCache CreateStore(IServiceProvider provider, string? connectionString, string connectionName)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // Only worth a warning when the cache is on: with Proxy:Cache:Enabled=false nothing is stored anywhere.
            if (provider.GetRequiredService<IOptions<ResponseCacheOptions>>().Value.Enabled)
            {
                var logger = provider.GetService<ILoggerFactory>()?.CreateLogger<ResponseCacheStore>() ?? (ILogger)NullLogger.Instance;
                ResponseCacheLog.UsingMemoryStore(logger, connectionName);
            }
            return new MemoryDistributedCache(Microsoft.Extensions.Options.Options.Create(new MemoryDistributedCacheOptions()));
        }

        var redisOptions = new RedisCacheOptions { InstanceName = "cursoraspire:response:" };
        if (provider.GetService<IConnectionMultiplexer>() is { } shared)
        {
            redisOptions.ConnectionMultiplexerFactory = () => Task.FromResult(shared);
        }
        else
        {
            var configurationOptions = ConfigurationOptions.Parse(connectionString);
            RedisConnection.FailFast(configurationOptions);
            redisOptions.ConfigurationOptions = configurationOptions;
        }

        return new RedisCache(Microsoft.Extensions.Options.Options.Create(redisOptions));
    }
}
