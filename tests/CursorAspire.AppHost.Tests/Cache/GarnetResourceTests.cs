using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using CursorAspire.AppHost.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace CursorAspire.AppHost.Tests.Cache;

/// <summary>The embedded Garnet cache resource, run by Aspire.</summary>
[Collection(AspireRunsCollection.Name)]
public sealed class GarnetResourceTests
{
    [Fact]
    public async Task GarnetBecomesHealthyAndServesRedisCommandsAtItsConnectionString()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var builder = await EmptyApp.CreateAsync(cts.Token);
        builder.AddGarnet("test-cache");
        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);

        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("test-cache", cts.Token);
        var connectionString = await app.GetConnectionStringAsync("test-cache", cts.Token);

        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString!);
        var db = redis.GetDatabase();
        await db.StringSetAsync("cursoraspire:test", "value", TimeSpan.FromMinutes(1));
        Assert.Equal("value", (string?)await db.StringGetAsync("cursoraspire:test"));
    }

    [Fact]
    public async Task GarnetStopsWithTheAppHost()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var builder = await EmptyApp.CreateAsync(cts.Token);
        var garnet = builder.AddGarnet("test-cache");
        var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);
        await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("test-cache", cts.Token);

        await app.StopAsync(cts.Token);
        await app.DisposeAsync();

        using var client = new System.Net.Sockets.TcpClient();
        await Assert.ThrowsAnyAsync<System.Net.Sockets.SocketException>(
            () => client.ConnectAsync(GarnetResource.Host, garnet.Resource.Port, cts.Token).AsTask());
    }
}
