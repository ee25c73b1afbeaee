using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Storage;

/// <summary>
/// Redis runs with <c>maxmemory-policy volatile-lru</c>: only keys with a TTL may be evicted. So everything that protects
/// money (usage and budgets, reservations and settled ids, a key's minute counts, what a key keeps stored) has none, and prunes its old
/// parts itself; everything that may be lost (cached answers, conversations, reasoning, an address's failed
/// authentications) has one.
/// </summary>
public sealed class EvictionSafetyTests
{
    private static readonly string[] Durable =
        ["cursoraspire:usage:", "cursoraspire:usage-days:", "cursoraspire:reservations:", "cursoraspire:settled:", "cursoraspire:check-nonces:", "cursoraspire:rate:",
            "cursoraspire:conversation-turns:", "cursoraspire:conversation-sizes:"];

    [Fact]
    public async Task WhatProtectsMoneyHasNoTtlAndEverythingElseHasOne()
    {
        using var garnet = GarnetServerFixture.StartNew();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 8, 1, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FakeTimeProvider();
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString },
            builder => builder.Services.AddSingleton<TimeProvider>(clock), upstreamTime: upstreamClock);
        using var budget = guarded.Proxy.CreateClient(GuardedProxy.BudgetKey);

        // A budgeted request held upstream (its reservation in Redis), a stored conversation, a cached answer, a wrong key.
        guarded.Ollama.Enqueue(BudgetRounds.HeldReply);
        var held = ChatRequests.PostAsync(budget, BudgetRounds.SmallRequest(0, stream: false));
        await guarded.Ollama.NextChatRequestAsync();
        var conversation = new JsonObject { ["model"] = "remote", ["input"] = "Keep this.", ["temperature"] = 0 };
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, conversation.ToJsonString(), "v1/responses")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guarded.Proxy.GetModelsFromAsync("sk-wrong-key-for-the-ttl-test-000", "203.0.113.5")).StatusCode);

        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString()).ToList();
        Assert.Contains(keys, k => k.StartsWith("cursoraspire:reservations:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("cursoraspire:rate:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("cursoraspire:conversation:", StringComparison.Ordinal));
        Assert.Contains(keys, k => k.StartsWith("cursoraspire:auth-failures:", StringComparison.Ordinal));
        upstreamClock.Advance(BudgetRounds.Held);
        Assert.Equal(HttpStatusCode.OK, (await held).StatusCode);
        keys = [.. redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: "*").Select(k => k.ToString())];
        Assert.Contains(keys, k => k.StartsWith("cursoraspire:usage:", StringComparison.Ordinal));

        foreach (var key in keys)
        {
            var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
            if (Durable.Any(prefix => key.StartsWith(prefix, StringComparison.Ordinal)))
            {
                Assert.True(ttl is null, $"{key} has a TTL ({ttl}): volatile-lru could evict it");
            }
            else
            {
                Assert.True(ttl is not null, $"{key} has no TTL: it would never go, not even under memory pressure");
            }
        }
    }

    [Fact]
    public async Task UsageOlderThanFortyDaysIsDeletedByTheFirstCountOfANewDay()
    {
        using var garnet = GarnetServerFixture.StartNew();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 8, 1, 12, 0, 0, TimeSpan.Zero));
        await using var guarded = await GuardedProxy.StartAsync(new Dictionary<string, string?> { ["ConnectionStrings:cache"] = garnet.ConnectionString },
            builder => builder.Services.AddSingleton<TimeProvider>(clock));
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);

        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("local", stream: false, text: "day one"))).StatusCode);
        var first = Assert.Single(server.Keys(pattern: "cursoraspire:usage:*2026-08-01"));

        clock.Advance(TimeSpan.FromDays(39));
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("local", stream: false, text: "day forty"))).StatusCode);
        Assert.True(await redis.GetDatabase().KeyExistsAsync(first), "39 days on, the first day is still kept (a month can be read back)");

        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(guarded.Proxy.Client, ChatRequests.Simple("local", stream: false, text: "day forty-two"))).StatusCode);
        Assert.False(await redis.GetDatabase().KeyExistsAsync(first));
        Assert.Equal(2, server.Keys(pattern: "cursoraspire:usage:*").Count(k => !k.ToString().StartsWith("cursoraspire:usage-days:", StringComparison.Ordinal)));
    }
}
