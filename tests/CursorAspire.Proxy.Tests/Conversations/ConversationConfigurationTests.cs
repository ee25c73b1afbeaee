using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Conversations;

/// <summary><c>Proxy:Conversations:Ttl</c> reaches the Redis entries, and a bad value stops the proxy at start-up.</summary>
public sealed class ConversationConfigurationTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token;

    [Fact]
    public async Task TheConfiguredTtlIsTheLifetimeOfAStoredResponseInRedis()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString,
            settings: new Dictionary<string, string?> { ["Proxy:Conversations:Ttl"] = "01:30:00" });
        proxy.Upstream.Enqueue(StandInReply.FromText("ok"));
        using var http = proxy.CreateClient();

        var response = await http.PostAsync("v1/responses", new StringContent($$"""{"model":"m","input":"hi"}""", System.Text.Encoding.UTF8, "application/json"), Deadline());
        var id = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Deadline())).RootElement.GetProperty("id").GetString();

        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var key = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: $"cursoraspire:conversation:*:{id}").Single();
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(89), TimeSpan.FromMinutes(90));
    }

    [Fact]
    public async Task ANonPositiveTtlFailsTheStartWithAMessageNamingTheKey()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ProxyHost.StartWithStandInAsync(
            settings: new Dictionary<string, string?> { ["Proxy:Conversations:Ttl"] = "00:00:00" }));

        Assert.Contains("Proxy:Conversations:Ttl", error.Message);
    }
}
