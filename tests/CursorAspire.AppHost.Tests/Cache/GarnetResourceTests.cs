using StackExchange.Redis;

namespace CursorAspire.AppHost.Tests.Cache;

/// <summary>The embedded Garnet cache resource, run by Aspire.</summary>
[Collection(AspireRunsCollection.Name)]
public sealed class GarnetResourceTests
{
    private const string Password = "garnetTestPassword0123456789";

    /// <summary>Starts an app with only a Garnet cache and waits until its health check has logged in.</summary>
    private static async Task<(DistributedApplication App, GarnetResource Garnet, string ConnectionString)> StartHealthyGarnetAsync(CancellationToken cancellationToken)
    {
        var builder = await EmptyApp.CreateAsync(cancellationToken);
        var garnet = builder.AddGarnet("test-cache", password: builder.AddParameter("test-cache-password", Password, secret: true), dataPath: TestCacheData.NewFolder());
        var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("test-cache", cancellationToken);
        return (app, garnet.Resource, (await app.GetConnectionStringAsync("test-cache", cancellationToken))!);
    }

    [Fact]
    public async Task GarnetBecomesHealthyAndServesRedisCommandsAtItsConnectionString()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var (app, _, connectionString) = await StartHealthyGarnetAsync(cts.Token);
        await using var started = app;

        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var db = redis.GetDatabase();
        await db.StringSetAsync("cursoraspire:test", "value", TimeSpan.FromMinutes(1));
        Assert.Equal("value", (string?)await db.StringGetAsync("cursoraspire:test"));
    }

    [Fact]
    public async Task GarnetRefusesAClientWithoutThePasswordAndTheHealthCheckLogsIn()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));

        // Healthy means the AppHost's check sent AUTH with the password: Garnet answers nothing else to anyone.
        var (app, _, connectionString) = await StartHealthyGarnetAsync(cts.Token);
        await using var started = app;
        Assert.EndsWith($",password={Password}", connectionString, StringComparison.Ordinal);

        var ping = await RedisWire.SendWithoutPasswordAsync(connectionString, cts.Token, "PING");
        var read = await RedisWire.SendWithoutPasswordAsync(connectionString, cts.Token, "GET", "cursoraspire:any");
        Assert.StartsWith("-NOAUTH", ping, StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", read, StringComparison.Ordinal);

        var wrongPassword = connectionString.Replace(Password, "not-the-password", StringComparison.Ordinal) + ",abortConnect=false,connectTimeout=2000";
        await using var impostor = await ConnectionMultiplexer.ConnectAsync(wrongPassword);
        await Assert.ThrowsAnyAsync<RedisException>(() => impostor.GetDatabase().StringGetAsync("cursoraspire:any"));
    }

    [Fact]
    public async Task GarnetStopsWithTheAppHost()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var (app, garnet, _) = await StartHealthyGarnetAsync(cts.Token);

        await app.StopAsync(cts.Token);
        await app.DisposeAsync();

        using var client = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(
            () => client.ConnectAsync(GarnetResource.Host, garnet.Port, cts.Token).AsTask());
    }
}
