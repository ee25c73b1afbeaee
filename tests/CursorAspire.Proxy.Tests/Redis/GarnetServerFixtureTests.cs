using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Redis;

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

        garnet.Stop();
        Assert.False(garnet.IsRunning);
        await Assert.ThrowsAnyAsync<Exception>(() => db.StringGetAsync("fixture:key").WaitAsync(TimeSpan.FromSeconds(5)));

        garnet.Start();
        Assert.True(garnet.IsRunning);
    }
}
