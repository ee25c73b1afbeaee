using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Infrastructure.Redis;

public sealed class GarnetServerFixtureTests
{
    [Fact]
    public async Task ServesRedisCommandsAndStopsOnDemand()
    {
        using var garnet = GarnetServerFixture.StartNew();
        var options = ConfigurationOptions.Parse(garnet.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.AsyncTimeout = 1000;
        options.SyncTimeout = 1000;
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var db = connection.GetDatabase();

        Assert.True(await db.StringSetAsync("fixture:key", "value", TimeSpan.FromMinutes(1)));
        Assert.Equal("value", (string?)await db.StringGetAsync("fixture:key"));
        // RedisCache relies on Lua scripts in some paths; the fixture enables them.
        Assert.Equal(2, (int)await db.ScriptEvaluateAsync("return 1 + 1"));

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        garnet.Stop();
        var stopTime = stopwatch.Elapsed;
        Assert.False(garnet.IsRunning);
        // The server is really gone: the client's command fails (connection error or its own 1 s timeout).
        await Assert.ThrowsAnyAsync<RedisException>(() => db.StringGetAsync("fixture:key"));
        var failTime = stopwatch.Elapsed;

        garnet.Start();
        Assert.True(garnet.IsRunning);
        Console.WriteLine($"stop {stopTime}, fail {failTime}, restart {stopwatch.Elapsed}");
    }
}
