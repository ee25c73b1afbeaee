using CursorAspire.Proxy.Telemetry;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Infrastructure.Caching;

/// <summary>
/// The cache's shared services wired to a real Redis-protocol server (<c>RedisCache</c> over StackExchange.Redis),
/// with the test's own meter scope and an optional log sink.
/// </summary>
internal sealed class CacheTestContext : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly RedisCache _redis;

    private readonly ConnectionMultiplexer? _claimsConnection;

    /// <param name="redisConnectionString">The Redis-protocol server.</param>
    /// <param name="options">The cache's settings.</param>
    /// <param name="loggerFactory">Where the cache logs, if anywhere.</param>
    /// <param name="replica">
    /// Coalesce across replicas too (<see cref="ResponseCacheClaims"/>, on a connection of its own): each context is then
    /// one replica of several sharing the server.
    /// </param>
    public CacheTestContext(string redisConnectionString, ResponseCacheOptions? options = null, ILoggerFactory? loggerFactory = null, bool replica = false)
    {
        Options = options ?? new ResponseCacheOptions();
        _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = _services.GetRequiredService<IMeterFactory>();
        Metrics = new MetricRecorder(meterFactory);

        var redisOptions = ConfigurationOptions.Parse(redisConnectionString);
        redisOptions.AbortOnConnectFail = false;
        redisOptions.ConnectTimeout = 2000;
        _redis = new RedisCache(Microsoft.Extensions.Options.Options.Create(new RedisCacheOptions
        {
            ConfigurationOptions = redisOptions,
            InstanceName = "test:",
        }));

        LoggerFactory = loggerFactory;
        var cacheMetrics = new ResponseCacheMetrics(new ProxyMeter(meterFactory));
        var counted = new CountedReadsCache(_redis);
        StoreReads = counted.Reads;
        Store = new ResponseCacheStore(counted, Microsoft.Extensions.Options.Options.Create(Options), cacheMetrics, loggerFactory?.CreateLogger<ResponseCacheStore>());
        if (replica)
        {
            _claimsConnection = ConnectionMultiplexer.Connect(redisOptions);
            Claims = new ResponseCacheClaims(Store, Microsoft.Extensions.Options.Options.Create(Options), TimeProvider.System, _claimsConnection, loggerFactory?.CreateLogger<ResponseCacheClaims>());
        }

        InFlight = new InFlightCoalescer(Claims);
        CacheMetrics = cacheMetrics;
    }

    public ResponseCacheOptions Options { get; }

    public ResponseCacheStore Store { get; }

    /// <summary>The store's reads answered so far; see <see cref="CountedReadsCache"/>.</summary>
    public AwaitableCount StoreReads { get; }

    public InFlightCoalescer InFlight { get; }

    /// <summary>The claims across replicas; null unless the context is a replica.</summary>
    public ResponseCacheClaims? Claims { get; }

    public ResponseCacheMetrics CacheMetrics { get; }

    public MetricRecorder Metrics { get; }

    public ILoggerFactory? LoggerFactory { get; }

    /// <summary>
    /// Opens the Redis connection outside the store's timeout, so a test about outages starts from a healthy,
    /// connected cache even when the machine is busy.
    /// </summary>
    public async Task WarmUpAsync() => await _redis.GetAsync("warm-up", CacheTestData.Deadline());

    /// <summary>The cache middleware over a fresh <see cref="ScriptedChatClient"/> (<paramref name="inner"/>), for the Ollama route.</summary>
    public ResponseCachingChatClient CreateClient(out ScriptedChatClient inner) => CreateClient(inner = new ScriptedChatClient());

    public ResponseCachingChatClient CreateClient(IChatClient inner, string provider = "ollama", bool enabledForRoute = true) =>
        new(inner, provider, Store, InFlight, CacheMetrics, Microsoft.Extensions.Options.Options.Create(Options), enabledForRoute, LoggerFactory?.CreateLogger<ResponseCachingChatClient>());

    public void Dispose()
    {
        Metrics.Dispose();
        _claimsConnection?.Dispose();
        _redis.Dispose();
        _services.Dispose();
    }
}
