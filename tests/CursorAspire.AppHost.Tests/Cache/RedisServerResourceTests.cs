using CursorAspire.Tunnel.Machine;
using StackExchange.Redis;

namespace CursorAspire.AppHost.Tests.Cache;

/// <summary>
/// The <c>redis-server</c> cache resource, run by Aspire with the machine's real <c>redis-server</c>. The test installs
/// nothing: without <c>redis-server</c> on PATH it fails and says so (CI installs it, <c>apt-get install -y redis-server</c>).
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class RedisServerResourceTests
{
    private const string Password = "redisServerTestPassword0123";

    private static string RedisServerOnPath() =>
        ExecutableLocator.Find("redis-server")
        ?? throw new InvalidOperationException(
            "redis-server is not on PATH, so the password of the redis-server cache cannot be tested. Install it "
            + "(Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis); .ci/run does.");

    [Fact]
    public async Task RedisServerRefusesAClientWithoutThePasswordWhichIsOnNoCommandLineAndInNoFileOnceRunning()
    {
        var redisServer = RedisServerOnPath();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var builder = await EmptyApp.CreateAsync(cts.Token);
        var redis = builder.AddRedisServer("test-redis", redisServer, builder.AddParameter("test-redis-password", Password, secret: true), dataPath: TestCacheData.NewFolder());
        var configFile = redis.Resource.ConfigFile;

        // Runs after the integration's own ResourceReadyEvent handler (subscribed first), which removes the file.
        var fileLeftWhenReady = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        builder.Eventing.Subscribe<ResourceReadyEvent>(redis.Resource, (_, _) =>
        {
            fileLeftWhenReady.TrySetResult(File.Exists(configFile.Path));
            return Task.CompletedTask;
        });

        await using var app = await builder.BuildAsync(cts.Token);
        await app.StartAsync(cts.Token);

        // Healthy means the AppHost's check logged in with the password (redis-server answers nothing else).
        var healthy = await app.Services.GetRequiredService<ResourceNotificationService>().WaitForResourceHealthyAsync("test-redis", cts.Token);
        var connectionString = await app.GetConnectionStringAsync("test-redis", cts.Token);
        Assert.EndsWith($",password={Password}", connectionString, StringComparison.Ordinal);

        Assert.StartsWith("-NOAUTH", await RedisWire.SendWithoutPasswordAsync(connectionString!, cts.Token, "PING"), StringComparison.Ordinal);
        Assert.StartsWith("-NOAUTH", await RedisWire.SendWithoutPasswordAsync(connectionString!, cts.Token, "CONFIG", "GET", "requirepass"), StringComparison.Ordinal);

        await using (var client = await ConnectionMultiplexer.ConnectAsync(connectionString!))
        {
            var db = client.GetDatabase();
            await db.StringSetAsync("cursoraspire:test", "value", TimeSpan.FromMinutes(1));
            Assert.Equal("value", (string?)await db.StringGetAsync("cursoraspire:test"));
        }

        // What the dashboard shows as the process's arguments, and what every local user sees in the process list.
        var args = healthy.Snapshot.Properties.Single(p => p.Name == "executable.args").Value switch
        {
            IEnumerable<string> list => string.Join(' ', list),
            var value => value?.ToString() ?? "",
        };
        Assert.Contains(configFile.Path, args, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, args, StringComparison.Ordinal);
        if (OperatingSystem.IsLinux())
        {
            var pid = healthy.Snapshot.Properties.Single(p => p.Name == "executable.pid").Value;
            var commandLine = (await File.ReadAllTextAsync($"/proc/{pid}/cmdline", cts.Token)).Replace('\0', ' ');
            Assert.Contains("redis-server", commandLine, StringComparison.Ordinal);
            Assert.DoesNotContain(Password, commandLine, StringComparison.Ordinal);
        }

        Assert.False(await fileLeftWhenReady.Task.WaitAsync(cts.Token), "the config file with the password outlived the server's start");
        Assert.False(File.Exists(configFile.Path));

        await app.StopAsync(cts.Token);
        Assert.False(Directory.Exists(configFile.Directory), "the config file's directory outlived the AppHost");
    }
}
