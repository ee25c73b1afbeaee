using System.Net;
using CursorAspire.Proxy.Tests.Infrastructure;
using CursorAspire.Proxy.Tests.Infrastructure.Redis;
using CursorAspire.TestUpstreams;
using Microsoft.Extensions.Time.Testing;

namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// A key's requests per minute protect money, so they hold across replicas and restarts: counted in Redis per UTC
/// minute, and per process only while Redis is down.
/// </summary>
/// <remarks>The collection's Garnet server is shared: each test counts in minutes of its own.</remarks>
[Collection(GarnetCollection.Name)]
public sealed class SharedRateLimitTests(GarnetServerFixture garnet)
{
    private static Dictionary<string, string?> Config(Uri ollama, string connectionString)
    {
        var config = ProxyHost.OllamaConfig(ollama);
        config["ConnectionStrings:cache"] = connectionString;
        config["Proxy:RateLimit:RequestsPerMinute"] = "3";
        config["Proxy:RateLimit:ConcurrentRequests"] = "0";
        config["Proxy:Cache:Enabled"] = "false";
        return config;
    }

    private static async Task<HttpStatusCode> PostAsync(ProxyHost proxy) =>
        (await ChatRequests.PostAsync(proxy.Client, ChatRequests.Simple(stream: false))).StatusCode;

    [Fact]
    public async Task ProxiesSharingOneRedisShareAKeysMinuteAndARestartDoesNotStartItOver()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 8, 0, TimeSpan.Zero));
        await using var ollama = await OllamaStandIn.StartAsync();
        var config = Config(ollama.BaseUri, garnet.ConnectionString);
        await using var first = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var second = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));

        Assert.Equal(HttpStatusCode.OK, await PostAsync(first));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(second));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(first));
        // Three in this minute, wherever they went: the fourth is refused by either.
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(second));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(first));
        Assert.Equal(3, ollama.CallCount);

        // A proxy started now (a restart, a new replica) sees the same minute.
        await using var restarted = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.TooManyRequests, await PostAsync(restarted));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(restarted));
        Assert.Equal(4, ollama.CallCount);
    }

    [Fact]
    public async Task WithRedisDownEachProxyStillLimitsTheKeyOnItsOwn()
    {
        using var outage = GarnetServerFixture.StartNew();
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(Config(ollama.BaseUri, outage.ConnectionString + ",connectTimeout=500,connectRetry=0"));
        outage.Stop();

        // No 500 and no free pass: the process counts the key's minute itself.
        Assert.Equal(HttpStatusCode.OK, await PostAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(proxy));
        Assert.Equal(HttpStatusCode.OK, await PostAsync(proxy));
        var (refused, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(stream: false));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("rate_limit_exceeded", (string?)ChatRequests.AssertOpenAIError(body)["code"]);
        Assert.Equal(3, ollama.CallCount);
    }
}
