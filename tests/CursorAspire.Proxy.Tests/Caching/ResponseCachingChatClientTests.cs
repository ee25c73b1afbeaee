using System.Diagnostics;
using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Tests.Infrastructure.Caching;
using CursorAspire.Proxy.Tests.Infrastructure.Redis;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>The middleware against a real Redis-protocol server (embedded Garnet); only the upstream is a stand-in.</summary>
public sealed class ResponseCachingChatClientTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>
{
    // Each test uses its own partition, so tests sharing the server never see each other's entries.
    private readonly string _partition = "test-" + Guid.NewGuid().ToString("N");

    private CacheTestContext Context(ResponseCacheOptions? options = null)
    {
        // These tests are about behaviour, not latency: a generous store timeout keeps a busy build machine from turning
        // a slow first connection into an Error outcome. The latency bound is tested in ResponseCacheOutageTests.
        options ??= new ResponseCacheOptions();
        options.RedisTimeout = TimeSpan.FromSeconds(5);
        return new(garnet.ConnectionString, options);
    }

    private ChatOptions Options(Action<ChatOptions>? configure = null, ResponseCacheScope? request = null, string? partition = null) =>
        CacheTestData.Options(partition ?? _partition, configure, request);

    private static async Task<List<ChatResponseUpdate>> Collect(IAsyncEnumerable<ChatResponseUpdate> stream)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in stream.WithCancellation(CacheTestData.Deadline()))
        {
            updates.Add(update);
        }

        return updates;
    }

    [Fact]
    public async Task SecondIdenticalRequestIsServedFromCache()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var first = new ResponseCacheScope(_partition);
        var firstResponse = await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: first), CacheTestData.Deadline());
        var second = new ResponseCacheScope(_partition);
        var secondResponse = await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: second), CacheTestData.Deadline());

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, first.Outcome);
        Assert.Equal("MISS", first.XCacheHeaderValue);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
        Assert.Equal("HIT", second.XCacheHeaderValue);
        Assert.Equal(firstResponse.Text, secondResponse.Text);
        Assert.Equal(ChatFinishReason.Stop, secondResponse.FinishReason);
        Assert.Null(firstResponse.AdditionalProperties?.GetValueOrDefault(ResponseCachingChatClient.CacheHitPropertyName));
        Assert.Equal(true, secondResponse.AdditionalProperties?[ResponseCachingChatClient.CacheHitPropertyName]);
        Assert.True(ResponseCachingChatClient.IsCacheHit(secondResponse));
        Assert.False(ResponseCachingChatClient.IsCacheHit(firstResponse));

        // Original usage is kept on a hit (Cursor's context meter reads it); the marker says it was not billed again.
        Assert.Equal(12_345, secondResponse.Usage?.InputTokenCount);
        Assert.Equal(42, secondResponse.Usage?.OutputTokenCount);
    }

    [Fact]
    public async Task CacheMissesWhenToolsChange()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var changed = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(
            CacheTestData.Conversation(),
            Options(o => o.Tools = [CacheTestData.ReadFileTool("Relative path, please."), CacheTestData.GrepTool()], changed),
            CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, changed.Outcome);
    }

    [Fact]
    public async Task CacheMissesWhenToolChoiceChanges()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var changed = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(o => o.ToolMode = ChatToolMode.RequireSpecific("read_file"), changed), CacheTestData.Deadline());
        var again = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(o => o.ToolMode = ChatToolMode.RequireSpecific("read_file"), again), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, changed.Outcome);
        Assert.Equal(ResponseCacheOutcome.Hit, again.Outcome);
    }

    [Fact]
    public async Task CacheMissesAcrossPartitions()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);
        var otherPartition = _partition + "-other-key";

        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var other = new ResponseCacheScope(otherPartition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: other, partition: otherPartition), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, other.Outcome);
    }

    [Fact]
    public async Task CacheMissesAcrossProviders()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var ollama = context.CreateClient(inner, "ollama");
        using var openAi = context.CreateClient(inner, "openai");

        await ollama.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        await openAi.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task EntriesExpireAfterTtl()
    {
        // Expiry is Redis's own (EXPIRE on the server's clock), so this waits in real time: a TimeProvider cannot move it.
        using var context = Context(new ResponseCacheOptions { Ttl = TimeSpan.FromSeconds(1) });
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var beforeExpiry = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: beforeExpiry), CacheTestData.Deadline());
        // Polls the real condition: the same request is answered from the store until Redis lets the entry go, and the
        // first one after that goes upstream (a hit in between calls nothing upstream).
        ResponseCacheScope afterExpiry;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        do
        {
            await Task.Delay(50, deadline.Token);
            afterExpiry = new ResponseCacheScope(_partition);
            await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: afterExpiry), deadline.Token);
        }
        while (afterExpiry.Outcome == ResponseCacheOutcome.Hit);

        Assert.Equal(ResponseCacheOutcome.Hit, beforeExpiry.Outcome);
        Assert.Equal(ResponseCacheOutcome.Miss, afterExpiry.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task StreamingReplayEqualsOriginalUpdateSequence()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var first = new ResponseCacheScope(_partition);
        var original = await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: first)));
        var second = new ResponseCacheScope(_partition);
        var replayed = await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: second)));

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, first.Outcome);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
        Assert.Equal(original.Select(CacheTestData.Json), replayed.Select(CacheTestData.Json));
        Assert.All(replayed, u => Assert.True(ResponseCachingChatClient.IsCacheHit(u)));
        Assert.All(original, u => Assert.False(ResponseCachingChatClient.IsCacheHit(u)));

        // Spelled out, so a serializer that drops something cannot hide behind equal JSON of two poor copies.
        Assert.Equal("I'll read the file \"a.cs\" first.", string.Concat(replayed.Select(u => u.Text)));
        var calls = replayed.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(["toolu_01A09q90qw90lq917835lq9", "toolu_01B7x"], calls.Select(c => c.CallId));
        Assert.Equal(["read_file", "grep_search"], calls.Select(c => c.Name));
        Assert.Equal("src/a.cs", calls[0].Arguments!["target_file"]?.ToString());
        Assert.Equal(ChatFinishReason.ToolCalls, replayed.Single(u => u.FinishReason is not null).FinishReason);
        var usage = replayed.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal(23_456, usage.InputTokenCount);
        Assert.Equal(77, usage.OutputTokenCount);
    }

    [Fact]
    public async Task StreamingAndNonStreamingAreCachedSeparately()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options()));
        var nonStreaming = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: nonStreaming), CacheTestData.Deadline());

        Assert.Equal(ResponseCacheOutcome.Miss, nonStreaming.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheFailedStreams()
    {
        using var context = Context();
        var failing = new ScriptedChatClient { FailAfterUpdates = 3 };
        using var failingClient = context.CreateClient(failing);
        await Assert.ThrowsAsync<HttpRequestException>(() => Collect(failingClient.GetStreamingResponseAsync(CacheTestData.Conversation(), Options())));

        var healthy = new ScriptedChatClient();
        using var client = context.CreateClient(healthy);
        var next = new ResponseCacheScope(_partition);
        var updates = await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: next)));

        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(1, healthy.Calls);
        Assert.Equal(6, updates.Count);
    }

    [Fact]
    public async Task StreamingDoesNotCacheCanceledStreams()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            var seen = 0;
            await foreach (var update in client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(), cts.Token))
            {
                if (++seen == 2)
                {
                    await cts.CancelAsync();
                }
            }
        });

        var next = new ResponseCacheScope(_partition);
        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: next)));
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheStreamsTheConsumerAbandons()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        // The client disconnecting looks like this to the middleware: the enumerator is disposed half-way.
        await foreach (var update in client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline()))
        {
            break;
        }

        var next = new ResponseCacheScope(_partition);
        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: next)));
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(0, context.InFlight.Count);
    }

    [Fact]
    public async Task StreamingDoesNotCacheStreamsWithoutFinishReason()
    {
        using var context = Context();
        var inner = new ScriptedChatClient { Updates = () => CacheTestData.ToolCallStream().Where(u => u.FinishReason is null).ToList() };
        using var client = context.CreateClient(inner);

        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options()));
        var next = new ResponseCacheScope(_partition);
        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: next)));

        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheToolCallsWhoseArgumentsDidNotParse()
    {
        using var context = Context();
        var inner = new ScriptedChatClient
        {
            Updates = () =>
            [
                new ChatResponseUpdate { Contents = [new FunctionCallContent("call_x", "read_file") { Exception = new System.Text.Json.JsonException("'}' is invalid after a value") }] },
                new ChatResponseUpdate { FinishReason = ChatFinishReason.ToolCalls },
            ],
        };
        using var client = context.CreateClient(inner);

        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options()));
        var next = new ResponseCacheScope(_partition);
        await Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: next)));

        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task ResponsesWithoutFinishReasonOrWithErrorsAreNotCached()
    {
        using var context = Context();
        var responses = new Queue<ChatResponse>(
        [
            new ChatResponse(new ChatMessage(ChatRole.Assistant, "cut off")),
            new ChatResponse(new ChatMessage(ChatRole.Assistant, [new ErrorContent("upstream overloaded")])) { FinishReason = ChatFinishReason.Stop },
            CacheTestData.TextResponse("finally"),
        ]);
        var inner = new ScriptedChatClient { Response = responses.Dequeue };
        using var client = context.CreateClient(inner);

        var outcomes = new List<ResponseCacheOutcome>();
        for (var i = 0; i < 4; i++)
        {
            var request = new ResponseCacheScope(_partition);
            await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: request), CacheTestData.Deadline());
            outcomes.Add(request.Outcome);
        }

        Assert.Equal([ResponseCacheOutcome.Miss, ResponseCacheOutcome.Miss, ResponseCacheOutcome.Miss, ResponseCacheOutcome.Hit], outcomes);
        Assert.Equal(3, inner.Calls);
    }

    [Fact]
    public async Task NoCacheBypassesReadButStoresTheFreshAnswer()
    {
        using var context = Context();
        var answers = new Queue<string>(["first answer", "fresh answer"]);
        var inner = new ScriptedChatClient { Response = () => CacheTestData.TextResponse(answers.Dequeue()) };
        using var client = context.CreateClient(inner);

        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var noCache = ResponseCacheScope.FromCacheControl(_partition, ["no-cache"]);
        var fresh = await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: noCache), CacheTestData.Deadline());
        var after = new ResponseCacheScope(_partition);
        var cached = await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: after), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Bypass, noCache.Outcome);
        Assert.Equal("BYPASS", noCache.XCacheHeaderValue);
        Assert.Equal("fresh answer", fresh.Text);
        Assert.Equal(ResponseCacheOutcome.Hit, after.Outcome);
        Assert.Equal("fresh answer", cached.Text);
    }

    [Fact]
    public async Task NoStoreDoesNotWriteButMayRead()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var noStore = ResponseCacheScope.FromCacheControl(_partition, ["no-store"]);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: noStore), CacheTestData.Deadline());
        var next = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: next), CacheTestData.Deadline());
        var noStoreAgain = ResponseCacheScope.FromCacheControl(_partition, ["no-store"]);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: noStoreAgain), CacheTestData.Deadline());

        Assert.Equal(ResponseCacheOutcome.Miss, noStore.Outcome);
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(ResponseCacheOutcome.Hit, noStoreAgain.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task ConcurrentIdenticalMissesMakeOneUpstreamCall()
    {
        using var context = Context();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedChatClient { Gate = gate };
        using var client = context.CreateClient(inner);

        var requests = Enumerable.Range(0, 8).Select(_ => new ResponseCacheScope(_partition)).ToList();
        var calls = requests.Select(r => Task.Run(() => client.GetResponseAsync(CacheTestData.Conversation(), Options(request: r), CacheTestData.Deadline()))).ToList();
        await inner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Every request has missed in the store and gone on to the in-flight map: the leader upstream, the followers to wait on it.
        await context.StoreReads.Reaching(requests.Count).WaitAsync(TimeSpan.FromSeconds(10));

        // While the leader's call is held open, nobody else went upstream: the followers are waiting on it.
        Assert.Equal(1, inner.Calls);
        gate.SetResult();
        var responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, inner.Calls);
        Assert.All(responses, r => Assert.Equal("Hello from upstream", r.Text));
        Assert.Equal(1, requests.Count(r => r.Outcome == ResponseCacheOutcome.Miss));
        Assert.Equal(7, requests.Count(r => r.Outcome == ResponseCacheOutcome.Hit));
        Assert.Equal(7, context.Metrics["cursoraspire.cache.upstream_calls_avoided"]);
    }

    [Fact]
    public async Task ConcurrentIdenticalStreamingMissesMakeOneUpstreamCall()
    {
        using var context = Context();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedChatClient { Gate = gate };
        using var client = context.CreateClient(inner);

        var requests = Enumerable.Range(0, 5).Select(_ => new ResponseCacheScope(_partition)).ToList();
        var streams = requests.Select(r => Task.Run(() => Collect(client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: r))))).ToList();
        await inner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await context.StoreReads.Reaching(requests.Count).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, inner.Calls);
        gate.SetResult();
        var results = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, inner.Calls);
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

        var leader = Task.Run(() => Collect(leaderClient.GetStreamingResponseAsync(CacheTestData.Conversation(), Options())));
        await leaderInner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var followerRequest = new ResponseCacheScope(_partition);
        var follower = Task.Run(() => Collect(followerClient.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(request: followerRequest))));
        await context.StoreReads.Reaching(2).WaitAsync(TimeSpan.FromSeconds(10)); // the follower is waiting on the leader
        gate.SetResult();

        await Assert.ThrowsAsync<HttpRequestException>(() => leader);
        var updates = await follower.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(6, updates.Count);
        Assert.Equal(1, followerInner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, followerRequest.Outcome);
    }

    [Theory]
    [InlineData(0.7f)]
    [InlineData(null)]
    public async Task NonDeterministicRequestsAreNotCachedByDefault(float? temperature)
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var requests = new[] { new ResponseCacheScope(_partition), new ResponseCacheScope(_partition) };
        foreach (var request in requests)
        {
            await client.GetResponseAsync(CacheTestData.Conversation(), Options(o => o.Temperature = temperature, request), CacheTestData.Deadline());
        }

        Assert.Equal(2, inner.Calls);
        Assert.All(requests, r => Assert.Equal(ResponseCacheOutcome.Bypass, r.Outcome));
        Assert.Equal(2, context.Metrics["cursoraspire.cache.bypasses"]);
    }

    [Theory]
    [InlineData(true, false, 0.7f)]
    [InlineData(false, true, null)]
    public async Task NonDeterministicRequestsAreCachedWhenConfigured(bool cacheNonDeterministic, bool cacheUnspecified, float? temperature)
    {
        using var context = Context(new ResponseCacheOptions { CacheNonDeterministic = cacheNonDeterministic, CacheUnspecifiedTemperature = cacheUnspecified });
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var second = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(o => o.Temperature = temperature), CacheTestData.Deadline());
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(o => o.Temperature = temperature, second), CacheTestData.Deadline());

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
    }

    [Fact]
    public async Task RequestsWithoutCacheRequestBypass()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);
        var options = new ChatOptions { ModelId = CacheTestData.Model, Temperature = 0 };

        await client.GetResponseAsync(CacheTestData.Conversation(), options, CacheTestData.Deadline());
        await client.GetResponseAsync(CacheTestData.Conversation(), options, CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(2, context.Metrics["cursoraspire.cache.bypasses"]);
    }

    [Fact]
    public async Task ModelCacheSwitchOffBypasses()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var routeOff = context.CreateClient(inner, enabledForRoute: false);
        using var client = context.CreateClient(inner);

        var viaRoute = new ResponseCacheScope(_partition);
        await routeOff.GetResponseAsync(CacheTestData.Conversation(), Options(request: viaRoute), CacheTestData.Deadline());
        await routeOff.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        var viaRequest = new ResponseCacheScope(_partition) { ModelAllowsCaching = false };
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: viaRequest), CacheTestData.Deadline());

        Assert.Equal(3, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Bypass, viaRoute.Outcome);
        Assert.Equal(ResponseCacheOutcome.Bypass, viaRequest.Outcome);
    }

    [Fact]
    public async Task DisabledCacheBypassesEverything()
    {
        using var context = Context(new ResponseCacheOptions { Enabled = false });
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        var second = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
        await client.GetResponseAsync(CacheTestData.Conversation(), Options(request: second), CacheTestData.Deadline());

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Bypass, second.Outcome);
    }

    [Fact]
    public async Task MetricsAndSpanTagReportTheOutcome()
    {
        using var context = Context();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);
        using var source = new ActivitySource("CursorAspire.Tests.Cache." + _partition);
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);

        string? missTag, hitTag;
        using (var span = source.StartActivity("chat miss"))
        {
            await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
            missTag = span?.GetTagItem("cursoraspire.cache.outcome") as string;
        }

        ChatResponse hit;
        using (var span = source.StartActivity("chat hit"))
        {
            hit = await client.GetResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline());
            hitTag = span?.GetTagItem("cursoraspire.cache.outcome") as string;
        }

        Assert.Equal("miss", missTag);
        Assert.Equal("hit", hitTag);
        Assert.Equal(1, context.Metrics["cursoraspire.cache.misses"]);
        Assert.Equal(1, context.Metrics["cursoraspire.cache.hits"]);
        Assert.Equal(1, context.Metrics["cursoraspire.cache.upstream_calls_avoided"]);
        Assert.Equal(0, context.Metrics["cursoraspire.cache.errors"]);
        var storedBytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(CacheTestData.TextResponse("Hello from upstream"), AIJsonUtilities.DefaultOptions).Length;
        Assert.Equal(storedBytes, context.Metrics["cursoraspire.cache.bytes_saved"]);
        Assert.Equal("Hello from upstream", hit.Text);
    }
}
