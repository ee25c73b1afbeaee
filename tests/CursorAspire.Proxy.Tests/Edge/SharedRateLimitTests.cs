namespace CursorAspire.Proxy.Tests.Edge;

/// <summary>
/// The per-minute limits of the public URL protect money and keys, so they hold across replicas and restarts: a key's
/// requests and an address's failed authentications are counted in Redis per UTC minute, and per process only while
/// Redis is down.
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
        // Chained after the limit on requests in flight, as by default.
        config["Proxy:RateLimit:ConcurrentRequests"] = "8";
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
        // Three in this minute, wherever they went: the fourth is refused by either, until the minute is over.
        var refused = await ChatRequests.PostAsync(second.Client, ChatRequests.Simple(stream: false));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("60", refused.Headers.RetryAfter!.ToString());
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
    public async Task FailedAuthenticationsFromOneAddressAreCountedAcrossProxies()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 20, 0, TimeSpan.Zero));
        await using var ollama = await OllamaStandIn.StartAsync();
        var config = Config(ollama.BaseUri, garnet.ConnectionString);
        config["Proxy:RateLimit:FailedAuthenticationsPerMinute"] = "4";
        config["Proxy:ForwardedHeaders:Cloudflared"] = "true";
        await using var first = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var second = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));

        static async Task<HttpStatusCode> GuessAsync(ProxyHost proxy, string key)
        {
            using var response = await proxy.GetModelsFromAsync(key, "203.0.113.44");
            return response.StatusCode;
        }

        // Two wrong keys through each proxy: four in this minute from that address.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(first, $"sk-wrong-guess-first-{i:D4}-000000"));
            Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(second, $"sk-wrong-guess-second-{i:D4}-00000"));
        }

        // The second saw the fourth: it refuses the address's next wrong key, though it saw only two itself; the right
        // key is still served.
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(second, "sk-wrong-guess-second-0002-00000"));
        Assert.Equal(HttpStatusCode.OK, await GuessAsync(second, ProxyHost.ApiKey));
        // The first learns the count from the next failure it sees: one more guess, not another minute's worth.
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(first, "sk-wrong-guess-first-0002-000000"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(first, "sk-wrong-guess-first-0003-000000"));
        Assert.Equal(HttpStatusCode.OK, await GuessAsync(first, ProxyHost.ApiKey));

        // A proxy started now (a restart, a new replica) counts on from there too.
        await using var restarted = await ProxyHost.StartAsync(config, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        Assert.Equal(HttpStatusCode.Unauthorized, await GuessAsync(restarted, "sk-wrong-guess-restarted-0000-00"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GuessAsync(restarted, "sk-wrong-guess-restarted-0001-00"));

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, await GuessAsync(first, ProxyHost.ApiKey));
    }

    [Fact]
    public async Task WithRedisDownEachProxyStillLimitsTheKeyOnItsOwn()
    {
        // The minute on a clock of the test's own: on the real one, a minute could end between two requests.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 6, 7, 30, 0, TimeSpan.Zero));
        using var outage = GarnetServerFixture.StartNew();
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(Config(ollama.BaseUri, outage.FailFastConnectionString), builder => builder.Services.AddSingleton<TimeProvider>(clock));
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
