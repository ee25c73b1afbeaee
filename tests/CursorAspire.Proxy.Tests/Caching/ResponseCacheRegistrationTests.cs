using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

public sealed class ResponseCacheRegistrationTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    private static HostApplicationBuilder Builder(Dictionary<string, string?> settings, ILoggerProvider? logs = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddResponseCache(builder.Configuration);
        return builder;
    }

    [Fact]
    public void SettingsBindFromProxyCacheSection()
    {
        using var host = Builder(new()
        {
            ["Proxy:Cache:Enabled"] = "false",
            ["Proxy:Cache:Ttl"] = "00:10:00",
            ["Proxy:Cache:CacheNonDeterministic"] = "true",
            ["Proxy:Cache:CacheUnspecifiedTemperature"] = "true",
            ["Proxy:Cache:RedisTimeout"] = "00:00:00.100",
            ["Proxy:Cache:MaxEntryBytes"] = "65536",
            ["Proxy:Cache:Breaker:FailureRatio"] = "0.25",
            ["Proxy:Cache:Breaker:MinimumThroughput"] = "10",
            ["Proxy:Cache:Breaker:SamplingDuration"] = "00:01:00",
            ["Proxy:Cache:Breaker:BreakDuration"] = "00:00:05",
        }).Build();

        var options = host.Services.GetRequiredService<IOptions<ResponseCacheOptions>>().Value;
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(10), options.Ttl);
        Assert.True(options.CacheNonDeterministic);
        Assert.True(options.CacheUnspecifiedTemperature);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.RedisTimeout);
        Assert.Equal(65536, options.MaxEntryBytes);
        Assert.Equal(0.25, options.Breaker.FailureRatio);
        Assert.Equal(10, options.Breaker.MinimumThroughput);
        Assert.Equal(TimeSpan.FromMinutes(1), options.Breaker.SamplingDuration);
        Assert.Equal(TimeSpan.FromSeconds(5), options.Breaker.BreakDuration);
    }

    [Fact]
    public void DefaultsApplyWhenTheSectionIsAbsent()
    {
        using var host = Builder([]).Build();

        var options = host.Services.GetRequiredService<IOptions<ResponseCacheOptions>>().Value;
        Assert.True(options.Enabled);
        Assert.Equal(TimeSpan.FromHours(6), options.Ttl);
        Assert.False(options.CacheNonDeterministic);
        Assert.False(options.CacheUnspecifiedTemperature);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.RedisTimeout);
    }

    [Fact]
    public async Task InvalidSettingsFailAtStartNamingTheKey()
    {
        using var host = Builder(new()
        {
            ["Proxy:Cache:Ttl"] = "00:00:00",
            ["Proxy:Cache:RedisTimeout"] = "00:05:00",
            ["Proxy:Cache:Breaker:MinimumThroughput"] = "1",
            ["Proxy:Cache:Breaker:BreakDuration"] = "00:00:00.100",
        }).Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(CacheTestData.Deadline()));
        Assert.Contains("Proxy:Cache:Ttl", error.Message);
        Assert.Contains("Proxy:Cache:RedisTimeout", error.Message);
        Assert.Contains("Proxy:Cache:Breaker:MinimumThroughput", error.Message);
        Assert.Contains("Proxy:Cache:Breaker:BreakDuration", error.Message);
    }

    [Fact]
    public async Task PipelineBuiltFromServicesCachesInRedis()
    {
        using var host = Builder(new() { ["ConnectionStrings:cache"] = garnet.ConnectionString, ["Proxy:Cache:RedisTimeout"] = "00:00:05" }).Build();
        await host.StartAsync(CacheTestData.Deadline());
        var inner = new ScriptedChatClient();
        using var pipeline = new ChatClientBuilder(inner).UseResponseCache("ollama").Build(host.Services);
        var partition = "registration-" + Guid.NewGuid().ToString("N");

        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(partition), CacheTestData.Deadline());
        var second = new ResponseCacheScope(partition);
        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(partition, request: second), CacheTestData.Deadline());

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
        Assert.IsType<RedisCache>(host.Services.GetRequiredKeyedService<IDistributedCache>(ResponseCacheStore.ServiceKey));

        // The entry really is in Redis, under the proxy's prefix and the computed key.
        var key = ResponseCacheKeyBuilder.Compute(partition, "ollama", streaming: false, CacheTestData.Conversation(), CacheTestData.Options(partition));
        await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync("cursoraspire:response:" + key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(5.9), TimeSpan.FromHours(6));
        await host.StopAsync(CacheTestData.Deadline());
    }

    [Fact]
    public async Task ModelSwitchOnTheBuilderBypassesTheCache()
    {
        using var host = Builder(new() { ["ConnectionStrings:cache"] = garnet.ConnectionString, ["Proxy:Cache:RedisTimeout"] = "00:00:05" }).Build();
        var inner = new ScriptedChatClient();
        using var pipeline = new ChatClientBuilder(inner).UseResponseCache("ollama", enabledForModel: false).Build(host.Services);
        var partition = "registration-" + Guid.NewGuid().ToString("N");

        var request = new ResponseCacheScope(partition);
        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(partition), CacheTestData.Deadline());
        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(partition, request: request), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Bypass, request.Outcome);
    }

    [Fact]
    public async Task WithoutConnectionStringTheCacheUsesProcessMemoryAndSaysSo()
    {
        var logs = new CapturedLogs();
        using var host = Builder([], logs).Build();
        var inner = new ScriptedChatClient();
        using var pipeline = new ChatClientBuilder(inner).UseResponseCache("ollama").Build(host.Services);
        var second = new ResponseCacheScope("memory");

        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options("memory"), CacheTestData.Deadline());
        await pipeline.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options("memory", request: second), CacheTestData.Deadline());

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
        Assert.IsType<MemoryDistributedCache>(host.Services.GetRequiredKeyedService<IDistributedCache>(ResponseCacheStore.ServiceKey));
        Assert.Contains(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("ConnectionStrings:cache", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartUpIsNotDelayedByAnUnresponsiveRedis()
    {
        await using var hungRedis = new UnresponsiveRedis();
        using var host = Builder(new() { ["ConnectionStrings:cache"] = hungRedis.ConnectionString }).Build();

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await host.StartAsync(CacheTestData.Deadline());
        var started = stopwatch.Elapsed;
        await host.StopAsync(CacheTestData.Deadline());

        Assert.True(started < TimeSpan.FromSeconds(1), $"start-up took {started}");
        Assert.Contains(host.Services.GetServices<IHostedService>(), s => s.GetType().Name == "ResponseCacheWarmUp");
    }

    [Theory]
    [InlineData(null, false, false)]
    [InlineData("no-cache", true, false)]
    [InlineData("no-store", false, true)]
    [InlineData("No-Cache, max-age=0, NO-STORE", true, true)]
    [InlineData("no-cache=\"set-cookie\"", true, false)]
    [InlineData("max-age=60, private", false, false)]
    public void CacheControlDirectivesAreRead(string? header, bool noCache, bool noStore)
    {
        var request = ResponseCacheScope.FromCacheControl("key-a", header is null ? [] : [header]);

        Assert.Equal(noCache, request.NoCache);
        Assert.Equal(noStore, request.NoStore);
        Assert.Equal("key-a", request.Partition);
        Assert.Null(request.XCacheHeaderValue);
        Assert.DoesNotContain("key-a", request.ToString(), StringComparison.Ordinal);
    }
}
