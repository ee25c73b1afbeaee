namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>
/// Reserve, then settle: admission reserves a request's estimated prompt plus its output room against the day's budget
/// in one step with every other request of the key (in Redis across proxies, in the process without it), so requests in
/// flight together cannot all pass the same check; each settles to what it cost. A budget is passed by at most one
/// request's spend (the last admitted), whatever the concurrency.
/// </summary>
/// <remarks>Keys and days: the acceptance's <c>budget</c> key (1,000 tokens a day), a day of its own per test on the shared Garnet.</remarks>
[Collection(GarnetCollection.Name)]
public sealed class BudgetReservationTests(GarnetServerFixture garnet)
{
    private const long Budget = 1000;

    private static Dictionary<string, string?> Settings(string? redis) => new()
    {
        ["ConnectionStrings:cache"] = redis,
        // Every request is new anyway; with the cache off nothing is answered for free.
        ["Proxy:Cache:Enabled"] = "false",
        // Rounds of 24 until the budget is spent, all in one minute of the proxy's clock: the budget is what stops them.
        ["Proxy:RateLimit:RequestsPerMinute"] = "0",
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TwentyFourConcurrentSmallRequestsSpendAtMostTheBudgetPlusOneRequest(bool redis)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, redis ? 1 : 2, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FakeTimeProvider();
        await using var guarded = await GuardedProxy.StartAsync(Settings(redis ? garnet.ConnectionString : null),
            builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        using var budget = guarded.Proxy.CreateClient(GuardedProxy.BudgetKey);
        var rounds = new BudgetRounds(upstreamClock, [(budget, guarded.Ollama)]);

        var admitted = await rounds.UntilSpentAsync(perRound: 24);

        // Before reservations all 24 of the first round went through, together spending 1,262 tokens of 1,000.
        Assert.InRange(admitted[0], 1, 23);
        var (spent, _, requests) = await BudgetRounds.TodayAsync(budget);
        Assert.Equal(admitted.Sum(), requests);
        var perRequest = spent / requests;
        Assert.Equal(spent, perRequest * requests); // alike requests, alike costs: the bound below is exact
        Assert.InRange(spent, Budget, Budget + perRequest - 1);
    }

    [Fact]
    public async Task TwoProxiesOnOneGarnetShareTheReservations()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 3, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FakeTimeProvider();
        var settings = Settings(garnet.ConnectionString);
        await using var first = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        await using var second = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        using var viaFirst = first.Proxy.CreateClient(GuardedProxy.BudgetKey);
        using var viaSecond = second.Proxy.CreateClient(GuardedProxy.BudgetKey);
        var rounds = new BudgetRounds(upstreamClock, [(viaFirst, first.Ollama), (viaSecond, second.Ollama)]);

        var admitted = await rounds.UntilSpentAsync(perRound: 24);

        Assert.InRange(admitted[0], 1, 23);
        Assert.True(first.Ollama.CallCount > 0 && second.Ollama.CallCount > 0, "both proxies answered some");
        var (spent, _, requests) = await BudgetRounds.TodayAsync(viaSecond);
        var perRequest = spent / requests;
        Assert.InRange(spent, Budget, Budget + perRequest - 1);
    }

    [Fact]
    public async Task ARequestRefusedWhileOthersHoldTheBudgetIsToldToComeBackSoon()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 4, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FakeTimeProvider();
        await using var guarded = await GuardedProxy.StartAsync(Settings(garnet.ConnectionString),
            builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        using var budget = guarded.Proxy.CreateClient(GuardedProxy.BudgetKey);
        guarded.Ollama.Enqueue(BudgetRounds.HeldReply);

        // No max_tokens: it reserves Ollama's answer room (4,096 tokens), more than the whole budget, until it ends.
        var held = ChatRequests.PostReadAsync(budget, ChatRequests.Simple("local", stream: false, text: $"first {Guid.NewGuid()}"));
        await guarded.Ollama.NextChatRequestAsync();
        var (refused, body) = await ChatRequests.PostReadAsync(budget, ChatRequests.Simple("local", stream: false, text: $"second {Guid.NewGuid()}"));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var message = (string?)ChatRequests.AssertOpenAIError(body)["message"];
        Assert.Contains("0 of 1,000 tokens spent", message);
        Assert.Contains("held by requests of this key still being answered", message);
        Assert.Equal("5", refused.Headers.RetryAfter!.ToString());

        // Once the first settles to what it cost, the room is back.
        upstreamClock.Advance(BudgetRounds.Held);
        Assert.Equal(HttpStatusCode.OK, (await held).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(budget, ChatRequests.Simple("local", stream: false, text: $"third {Guid.NewGuid()}"))).StatusCode);
    }

    [Fact]
    public async Task ABudgetedRequestWithoutALimitGetsTheOutputRoomItReserved()
    {
        await using var guarded = await GuardedProxy.StartAsync(Settings(null));
        using var budget = guarded.Proxy.CreateClient(GuardedProxy.BudgetKey);

        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(budget, ChatRequests.Simple("remote", stream: false, text: $"a {Guid.NewGuid()}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("remote", stream: false, text: $"b {Guid.NewGuid()}"))).StatusCode);

        // The budgeted key's request may write what it reserved (OutputRoom.Default); a key without a budget is not limited.
        var bodies = guarded.OpenAI.ChatRequests.Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(8192, (int?)(bodies[0]["max_completion_tokens"] ?? bodies[0]["max_tokens"]));
        Assert.Null(bodies[1]["max_completion_tokens"] ?? bodies[1]["max_tokens"]);
    }

    [Fact]
    public async Task AReservationWhoseProxyDiedIsForgottenWhenItExpires()
    {
        using var ownGarnet = GarnetServerFixture.StartNew();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 5, 12, 0, 0, TimeSpan.Zero));
        var settings = Settings(ownGarnet.ConnectionString);
        await using var survivor = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var viaSurvivor = survivor.Proxy.CreateClient(GuardedProxy.BudgetKey);

        // A request on another proxy holds 4,000+ tokens and never ends (its upstream's clock never moves): to the
        // survivor, that proxy might as well have died without settling it.
        await using var stuck = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: new FakeTimeProvider());
        stuck.Ollama.Enqueue(BudgetRounds.HeldReply);
        using var viaStuck = stuck.Proxy.CreateClient(GuardedProxy.BudgetKey);
        var neverAnswered = ChatRequests.PostAsync(viaStuck, ChatRequests.Simple("local", stream: true, text: $"held {Guid.NewGuid()}"));
        await stuck.Ollama.NextChatRequestAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatRequests.PostAsync(viaSurvivor, ChatRequests.Simple("local", stream: false, text: $"a {Guid.NewGuid()}"))).StatusCode);

        // The store keeps a reservation twice the first-byte and total deadlines (80 minutes by default), then forgets it.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatRequests.PostAsync(viaSurvivor, ChatRequests.Simple("local", stream: false, text: $"b {Guid.NewGuid()}"))).StatusCode);
        clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(viaSurvivor, ChatRequests.Simple("local", stream: false, text: $"c {Guid.NewGuid()}"))).StatusCode);
        Assert.False(neverAnswered.IsCompleted);
    }

    [Fact]
    public async Task ReservationsHeldInProcessWhileRedisWasDownAreHandedToRedisWhenItReturns()
    {
        using var outage = GarnetServerFixture.StartNew();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 6, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FakeTimeProvider();
        var settings = Settings(outage.FailFastConnectionString);
        settings["Proxy:Storage:Breaker:BreakDuration"] = "00:00:01";
        await using var first = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        await using var second = await GuardedProxy.StartAsync(settings, builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var viaFirst = first.Proxy.CreateClient(GuardedProxy.BudgetKey);
        using var viaSecond = second.Proxy.CreateClient(GuardedProxy.BudgetKey);

        // Redis is down: the first proxy admits a request on its own (4,000+ tokens held in its memory).
        outage.Stop();
        first.Ollama.Enqueue(BudgetRounds.HeldReply);
        var held = ChatRequests.PostReadAsync(viaFirst, ChatRequests.Simple("local", stream: false, text: $"held {Guid.NewGuid()}"));
        await first.Ollama.NextChatRequestAsync();

        // Redis is back: once the first proxy notices, it hands over what it holds, and the second sees it.
        outage.Start();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((string?)JsonNode.Parse(await viaFirst.GetStringAsync("v1/usage", deadline.Token))!["counting"] != "shared")
        {
            // The store's breaker runs on the proxy's clock: past its break, it tries Redis again.
            clock.Advance(TimeSpan.FromSeconds(2));
            await Task.Delay(100, deadline.Token);
        }
        Assert.Contains("reservations were handed back", first.Proxy.Logs.All);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ChatRequests.PostAsync(viaSecond, ChatRequests.Simple("local", stream: false, text: $"a {Guid.NewGuid()}"))).StatusCode);

        // It settles in Redis: the room is back for both.
        upstreamClock.Advance(BudgetRounds.Held);
        Assert.Equal(HttpStatusCode.OK, (await held).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(viaSecond, ChatRequests.Simple("local", stream: false, text: $"b {Guid.NewGuid()}"))).StatusCode);
    }
}
