namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// <c>Proxy:Keys:&lt;name&gt;:TokensPerDay</c>: a spent budget is a 429 <c>insufficient_quota</c> that says when it
/// resets, counted in Redis so every proxy sharing it enforces the same budget, reset at the UTC day boundary, and
/// counted in process while Redis is down.
/// </summary>
/// <remarks>The collection's Garnet server is shared and the limited key is the acceptance's: each test spends on its own days.</remarks>
[Collection(GarnetCollection.Name)]
public sealed class TokenBudgetTests(GarnetServerFixture garnet)
{
    // One answer spends 250 prompt + 100 completion tokens: over the limited key's 300 a day.
    /// <summary>
    /// One answer over the limited key's 300 tokens (it goes through: the budget was not yet spent), then a request the
    /// spent budget refuses with a 429: that refusal and its body.
    /// </summary>
    private static async Task<(HttpResponseMessage Second, string Body)> OverspendAsync(GuardedProxy guarded, HttpClient limited)
    {
        guarded.Ollama.Enqueue(Expensive());

        var first = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: $"first {Guid.NewGuid()}"));
        var (second, body) = await ChatRequests.PostReadAsync(limited, ChatRequests.Simple("local", stream: false, text: $"second {Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        return (second, body);
    }

    private static StandInReply Expensive() => StandInReply.FromText("ok") with { Usage = new StandInUsage(250, 100) };

    [Fact]
    public async Task ASpentBudgetIsA429ThatSaysWhenItResets()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 10, 23, 59, 0, TimeSpan.Zero));
        await using var guarded = await GuardedProxy.StartAsync(
            new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString },
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var limited = guarded.Limited();

        var (second, body) = await OverspendAsync(guarded, limited);

        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("insufficient_quota", (string?)error["code"]);
        Assert.Contains("daily token budget", (string?)error["message"]);
        Assert.Contains("350 of 300 tokens", (string?)error["message"]);
        Assert.Contains("resets at 00:00 UTC", (string?)error["message"]);
        Assert.Equal("60", second.Headers.RetryAfter!.ToString());
        Assert.Single(guarded.Ollama.ChatRequests); // the refused request never went upstream

        // The next UTC day starts from zero.
        clock.Advance(TimeSpan.FromMinutes(2));
        var nextDay = await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: $"third {Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
    }

    [Fact]
    public async Task TwoProxiesSharingOneRedisShareTheBudget()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 5, 12, 0, 0, TimeSpan.Zero));
        var settings = new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString };
        await using var first = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        await using var second = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var viaFirst = first.Limited();
        using var viaSecond = second.Limited();
        first.Ollama.Enqueue(Expensive());

        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(viaFirst, ChatRequests.Simple("local", stream: true, text: $"a {Guid.NewGuid()}"))).StatusCode);
        var refused = await ChatRequests.PostAsync(viaSecond, ChatRequests.Simple("local", stream: true, text: $"b {Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Empty(second.Ollama.ChatRequests);
    }

    [Fact]
    public async Task WithRedisDownTheProxyCountsOnItsOwnAndSaysSo()
    {
        using var stopped = GarnetServerFixture.StartNew();
        await using var guarded = await GuardedProxy.StartAsync(OutageSettings(stopped));
        stopped.Stop();
        using var limited = guarded.Limited();

        var (second, body) = await OverspendAsync(guarded, limited);

        Assert.Contains("Redis is down", (string?)ChatRequests.AssertOpenAIError(body)["message"]);
        Assert.Contains("counting in this process", guarded.Proxy.Logs.All);
    }

    [Fact]
    public async Task ThroughAnOutageTheBudgetGoesOnFromRedisAndNothingCountedMeanwhileIsLost()
    {
        using var outage = GarnetServerFixture.StartNew();
        var settings = OutageSettings(outage);
        settings["Proxy:Storage:Breaker:BreakDuration"] = "00:00:01";
        await using var guarded = await GuardedProxy.StartAsync(settings);
        using var limited = guarded.Limited();
        StandInReply Spend200() => StandInReply.FromText("ok") with { Usage = new StandInUsage(150, 50) };
        guarded.Ollama.Enqueue(Spend200(), Spend200());

        // 200 of 300 counted in Redis; then Redis goes down and another 200 are counted in this process.
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: $"a {Guid.NewGuid()}"))).StatusCode);
        outage.Stop();
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: $"b {Guid.NewGuid()}"))).StatusCode);

        // The budget did not start over with the outage: 200 from Redis + 200 here is past 300.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatRequests.PostAsync(limited, ChatRequests.Simple("local", stream: false, text: $"c {Guid.NewGuid()}"))).StatusCode);

        // Redis is back: the proxy adds what it counted meanwhile (polls the real state the proxy reports).
        outage.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((string?)JsonNode.Parse(await limited.GetStringAsync("v1/usage", deadline.Token))!["counting"] != "shared")
        {
            await Task.Delay(100, deadline.Token);
        }
        Assert.Contains("what this process counted meanwhile", guarded.Proxy.Logs.All);

        // Another proxy on the same Redis sees the 200 counted during the outage. (The embedded server came back empty,
        // as a Redis without persistence does: the 200 it held before are gone with it, not with the proxy.)
        await using var other = await GuardedProxy.StartAsync(settings);
        using var viaOther = other.Limited();
        var usage = JsonNode.Parse(await viaOther.GetStringAsync("v1/usage"))!;
        Assert.Equal(200, (long)usage["today"]!["tokens"]!);
        Assert.Equal(1, (long)usage["today"]!["models"]!["local"]!["requests"]!);
    }

    [Fact]
    public async Task KeysWithoutABudgetAreNeverRefusedForTokens()
    {
        await using var guarded = await GuardedProxy.StartAsync();
        for (var i = 0; i < 3; i++)
        {
            guarded.Ollama.Enqueue(Expensive());
            var response = await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("local", stream: false, text: $"{i} {Guid.NewGuid()}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>The proxy's store on <paramref name="server"/>, which the test will stop; no response cache.</summary>
    private static Dictionary<string, string?> OutageSettings(GarnetServerFixture server) => new()
    {
        ["ConnectionStrings:cache"] = server.FailFastConnectionString,
        ["Proxy:Cache:Enabled"] = "false",
    };
}
