using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>Concurrent identical misses make one upstream call, and its followers go upstream themselves when the leader fails.</summary>
public sealed class InFlightCoalescerTests(GarnetServerFixture garnet) : CacheClientTests(garnet)
{
    [Fact]
    public async Task ConcurrentIdenticalMissesMakeOneUpstreamCall()
    {
        using var context = Context();

        var (requests, responses) = await ConcurrentMissesAsync(context, 8, (client, r) => AskAsync(client, request: r));

        Assert.All(responses, r => Assert.Equal("Hello from upstream", r.Text));
        Assert.Equal(1, requests.Count(r => r.Outcome == ResponseCacheOutcome.Miss));
        Assert.Equal(7, requests.Count(r => r.Outcome == ResponseCacheOutcome.Hit));
        Assert.Equal(7, context.Metrics["cursoraspire.cache.upstream_calls_avoided"]);
    }

    [Fact]
    public async Task ConcurrentIdenticalStreamingMissesMakeOneUpstreamCall()
    {
        using var context = Context();

        var (requests, results) = await ConcurrentMissesAsync(context, 5, (client, r) => StreamAsync(client, request: r));

        var expected = results[0].Select(CacheTestData.Json).ToList();
        Assert.All(results, r => Assert.Equal(expected, r.Select(CacheTestData.Json)));
        Assert.Equal(4, requests.Count(r => r.Outcome == ResponseCacheOutcome.Hit));
    }

    [Fact]
    public async Task FollowersCallUpstreamThemselvesWhenTheLeaderFails()
    {
        using var context = Context();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var leaderInner = new ScriptedChatClient { Gate = gate, FailAfterUpdates = 1 };
        using var leaderClient = context.CreateClient(leaderInner);
        var followerInner = new ScriptedChatClient();
        using var followerClient = context.CreateClient(followerInner);

        var leader = Task.Run(() => StreamAsync(leaderClient));
        await leaderInner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var followerRequest = new ResponseCacheScope(Partition);
        var follower = Task.Run(() => StreamAsync(followerClient, request: followerRequest));
        await context.StoreReads.Reaching(2).WaitAsync(TimeSpan.FromSeconds(10)); // the follower is waiting on the leader
        gate.SetResult();

        await Assert.ThrowsAsync<HttpRequestException>(() => leader);
        var updates = await follower.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(6, updates.Count);
        Assert.Equal(1, followerInner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, followerRequest.Outcome);
    }

    /// <summary>
    /// Sends <paramref name="count"/> identical requests at once while the upstream's answer is held: once every one has
    /// missed in the store and gone on to the in-flight map (the leader upstream, the followers to wait on it), only the
    /// leader has gone upstream; then lets the upstream answer, and still only the leader has.
    /// </summary>
    private async Task<(List<ResponseCacheScope> Requests, T[] Results)> ConcurrentMissesAsync<T>(
        CacheTestContext context, int count, Func<IChatClient, ResponseCacheScope, Task<T>> send)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedChatClient { Gate = gate };
        using var client = context.CreateClient(inner);

        var requests = Enumerable.Range(0, count).Select(_ => new ResponseCacheScope(Partition)).ToList();
        var calls = requests.Select(r => Task.Run(() => send(client, r))).ToList();
        await inner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await context.StoreReads.Reaching(requests.Count).WaitAsync(TimeSpan.FromSeconds(10));

        // While the leader's call is held open, nobody else went upstream: the followers are waiting on it.
        Assert.Equal(1, inner.Calls);
        gate.SetResult();
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, inner.Calls);
        return (requests, results);
    }
}
