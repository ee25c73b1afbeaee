using Microsoft.Extensions.AI;
using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>
/// Replicas sharing one Redis coalesce identical misses as one process does: one of them goes upstream under a claim it
/// renews, the others wait for its word and read its answer; a claimant that fails sends them upstream at once, and one
/// that dies lets go when its claim expires. Each context here is a replica: its own store connection, in-flight map and
/// claims, on the collection's Garnet server.
/// </summary>
public sealed class CrossReplicaCoalescingTests(GarnetServerFixture garnet) : CacheClientTests(garnet), IDisposable
{
    /// <summary>So long a claim that a waiter looks again only after the test's deadline: only the claimant's word can wake it in time.</summary>
    private static readonly TimeSpan LongClaim = TimeSpan.FromSeconds(45);

    private readonly CapturedLogs _logs = new();

    public void Dispose()
    {
        _logs.Dispose();
    }

    private CacheTestContext Replica(TimeSpan claimTtl)
    {
        var loggerFactory = LoggerFactory.Create(b => b.AddProvider(_logs).SetMinimumLevel(LogLevel.Debug));
        return new CacheTestContext(Garnet.ConnectionString, new ResponseCacheOptions { ClaimTtl = claimTtl, RedisTimeout = TimeSpan.FromSeconds(5) }, loggerFactory, replica: true);
    }

    /// <summary>
    /// Two replicas listening for each other's claims, each with its own upstream (gated by <paramref name="gate"/> unless
    /// given), and the clients through their caches.
    /// </summary>
    private async Task<TwoReplicas> TwoReplicasAsync(TimeSpan claimTtl, TaskCompletionSource gate, ScriptedChatClient? firstUpstream = null, ScriptedChatClient? secondUpstream = null)
    {
        var replicas = new TwoReplicas(Replica(claimTtl), Replica(claimTtl), firstUpstream ?? new ScriptedChatClient { Gate = gate }, secondUpstream ?? new ScriptedChatClient { Gate = gate });
        await Task.WhenAll(replicas.First.WarmUpAsync(), replicas.Second.WarmUpAsync(), replicas.First.Claims!.SubscribeAsync(), replicas.Second.Claims!.SubscribeAsync())
            .WaitAsync(TimeSpan.FromSeconds(10));
        return replicas;
    }

    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once a replica has found the key claimed by another and begun to wait (polls the log it writes then).</summary>
    private async Task WaitersAsync(int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_logs.Entries.Count(e => e.Message.StartsWith("Another replica is answering", StringComparison.Ordinal)) < count)
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private RedisKey ClaimKey(bool streaming) =>
        ResponseCacheClaims.KeyPrefix + ResponseCacheKeyBuilder.Compute(Partition, "ollama", streaming, CacheTestData.Conversation(), Options());

    [Fact]
    public async Task IdenticalMissesOnTwoReplicasMakeOneUpstreamCall()
    {
        var gate = NewGate();
        using var replicas = await TwoReplicasAsync(LongClaim, gate);
        var (first, second, upstreams, firstClient, secondClient) = replicas;

        var requests = Enumerable.Range(0, 6).Select(_ => new ResponseCacheScope(Partition)).ToList();
        var calls = requests.Select((r, i) => Task.Run(() => AskAsync(i % 2 == 0 ? firstClient : secondClient, request: r))).ToList();
        await Task.WhenAny(upstreams.Select(u => u.CallStarted.Task)).WaitAsync(TimeSpan.FromSeconds(10));
        // Every request missed in the store; the replica that lost the claim has its leader waiting for the other's word.
        await Task.WhenAll(first.StoreReads.Reaching(3), second.StoreReads.Reaching(3)).WaitAsync(TimeSpan.FromSeconds(10));
        await WaitersAsync(1);

        Assert.Equal(1, upstreams.Sum(u => u.Calls));
        gate.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, upstreams.Sum(u => u.Calls));
        Assert.All(responses, r => Assert.Equal("Hello from upstream", r.Text));
        Assert.Equal(1, requests.Count(r => r.Outcome == ResponseCacheOutcome.Miss));
        Assert.Equal(5, requests.Count(r => r.Outcome == ResponseCacheOutcome.Hit));
        Assert.Equal(5, first.Metrics["cursoraspire.cache.upstream_calls_avoided"] + second.Metrics["cursoraspire.cache.upstream_calls_avoided"]);
        await ReleasedAsync(ClaimKey(streaming: false)); // with the answer, not left to expire
    }

    [Fact]
    public async Task IdenticalStreamingMissesOnTwoReplicasMakeOneUpstreamCall()
    {
        var gate = NewGate();
        using var replicas = await TwoReplicasAsync(LongClaim, gate);
        var (first, second, upstreams, firstClient, secondClient) = replicas;

        var streams = Enumerable.Range(0, 4).Select(i => Task.Run(() => StreamAsync(i % 2 == 0 ? firstClient : secondClient))).ToList();
        await Task.WhenAny(upstreams.Select(u => u.CallStarted.Task)).WaitAsync(TimeSpan.FromSeconds(10));
        await WaitersAsync(1);
        Assert.Equal(1, upstreams.Sum(u => u.Calls));
        gate.SetResult();
        var results = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, upstreams.Sum(u => u.Calls));
        var expected = results[0].Select(CacheTestData.Json).ToList();
        Assert.All(results, r => Assert.Equal(expected, r.Select(CacheTestData.Json)));
    }

    [Fact]
    public async Task WhenTheClaimantFailsTheWaitingReplicaGoesUpstreamAtOnce()
    {
        var gate = NewGate();
        var failing = new ScriptedChatClient { Gate = gate, FailAfterUpdates = 1 };
        var healthy = new ScriptedChatClient();
        using var replicas = await TwoReplicasAsync(LongClaim, gate, failing, healthy);
        var (_, _, _, firstClient, secondClient) = replicas;

        var failed = Task.Run(() => StreamAsync(firstClient));
        await failing.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var waiting = Task.Run(() => StreamAsync(secondClient));
        await WaitersAsync(1);
        Assert.Equal(0, healthy.Calls);

        gate.SetResult();
        await Assert.ThrowsAsync<HttpRequestException>(() => failed);
        // Its word "nothing to share" sends the waiter upstream now, long before the claim would have expired.
        var updates = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, healthy.Calls);
        Assert.NotEmpty(updates);
    }

    [Fact]
    public async Task AClaimantThatDiesLetsTheOtherReplicasGoWhenItsClaimExpires()
    {
        var ttl = TimeSpan.FromSeconds(1.5);
        using var replica = Replica(ttl);
        await replica.WarmUpAsync();
        var upstream = new ScriptedChatClient();
        using var client = replica.CreateClient(upstream);
        using var redis = await ConnectionMultiplexer.ConnectAsync(Garnet.ConnectionString);
        var claimKey = ClaimKey(streaming: false);

        // What a replica killed mid-call leaves behind: its claim, never renewed again and never released. Timed from just
        // before it is set, so the claim cannot have expired before `ttl` has passed on this clock.
        var clock = Stopwatch.StartNew();
        Assert.True(await redis.GetDatabase().LockTakeAsync(claimKey, "killed-replica", ttl));
        var answer = Task.Run(() => AskAsync(client));
        await upstream.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(15));
        var waited = clock.Elapsed;

        Assert.Equal("Hello from upstream", (await answer.WaitAsync(TimeSpan.FromSeconds(10))).Text);
        Assert.Equal(1, upstream.Calls);
        Assert.True(waited >= ttl - TimeSpan.FromMilliseconds(20), $"went upstream after {waited}, before the dead claimant's claim expired\n{_logs.All}");
        // No longer than the claim's life plus a third of it (how often a waiter looks again), with slack for a busy machine.
        Assert.True(waited <= ttl + replica.Claims!.LookAgainEvery + TimeSpan.FromSeconds(2), $"waited {waited} on a dead claimant");
    }

    [Fact]
    public async Task AClaimantStillCallingRenewsItsClaimPastItsTimeToLive()
    {
        // Renewed every third of it: three seconds leave a busy machine two to renew in (the request's deadline is ten).
        var ttl = TimeSpan.FromSeconds(3);
        var gate = NewGate();
        var slow = new ScriptedChatClient { Gate = gate };
        var other = new ScriptedChatClient();
        using var replicas = await TwoReplicasAsync(ttl, gate, slow, other);
        var (_, _, _, firstClient, secondClient) = replicas;
        using var redis = await ConnectionMultiplexer.ConnectAsync(Garnet.ConnectionString);
        var claimKey = ClaimKey(streaming: false);

        var leader = Task.Run(() => AskAsync(firstClient));
        await slow.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var follower = Task.Run(() => AskAsync(secondClient));
        await WaitersAsync(1);

        // Two lifetimes of the claim go by while the call runs: it is renewed, and the other replica keeps waiting.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < 2 * ttl)
        {
            Assert.True(await redis.GetDatabase().KeyExistsAsync(claimKey), $"the claim lapsed after {clock.Elapsed} while its call ran\n{_logs.All}\n{string.Join(",", redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: ResponseCacheClaims.KeyPrefix + "*"))} vs {claimKey}");
            Assert.Equal(0, other.Calls);
            await Task.Delay(100);
        }

        gate.SetResult();
        Assert.Equal((await leader).Text, (await follower.WaitAsync(TimeSpan.FromSeconds(10))).Text);
        Assert.Equal(0, other.Calls);
    }

    [Fact]
    public async Task WithoutRedisNothingIsClaimedAndNobodyWaits()
    {
        using var context = Context();
        var claims = new ResponseCacheClaims(context.Store, Microsoft.Extensions.Options.Options.Create(new ResponseCacheOptions()));
        var reads = 0;

        var (answer, claim) = await claims.AcquireAsync("key", _ => { reads++; return ValueTask.FromResult(CacheReadResult.NotFound); }, CancellationToken.None);

        Assert.False(claims.Enabled);
        Assert.Null(answer);
        Assert.Null(claim);
        Assert.Equal(0, reads);
    }

    /// <summary>Completes once the claim is gone (its release is sent after the answer, on its own).</summary>
    private async Task ReleasedAsync(RedisKey claimKey)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(Garnet.ConnectionString);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        while (await redis.GetDatabase().KeyExistsAsync(claimKey))
        {
            await Task.Delay(20, deadline.Token); // polls the real condition
        }
    }

    /// <summary>Two replicas of the cache, their upstreams and the clients through them; disposes them all.</summary>
    private sealed class TwoReplicas(CacheTestContext first, CacheTestContext second, ScriptedChatClient firstUpstream, ScriptedChatClient secondUpstream) : IDisposable
    {
        public CacheTestContext First { get; } = first;

        public CacheTestContext Second { get; } = second;

        public ScriptedChatClient[] Upstreams { get; } = [firstUpstream, secondUpstream];

        public IChatClient FirstClient { get; } = first.CreateClient(firstUpstream);

        public IChatClient SecondClient { get; } = second.CreateClient(secondUpstream);

        public void Deconstruct(out CacheTestContext first, out CacheTestContext second, out ScriptedChatClient[] upstreams, out IChatClient firstClient, out IChatClient secondClient) =>
            (first, second, upstreams, firstClient, secondClient) = (First, Second, Upstreams, FirstClient, SecondClient);

        public void Dispose()
        {
            FirstClient.Dispose();
            SecondClient.Dispose();
            First.Dispose();
            Second.Dispose();
        }
    }
}
