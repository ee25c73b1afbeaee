using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>What the cache may read and what it may keep: bypasses (Cache-Control, sampling, switches) and answers that are never stored (failed, cancelled, abandoned, incomplete).</summary>
public sealed class ResponseCachePolicyTests(GarnetServerFixture garnet) : CacheClientTests(garnet)
{
    [Fact]
    public async Task StreamingDoesNotCacheFailedStreams()
    {
        using var context = Context();
        var failing = new ScriptedChatClient { FailAfterUpdates = 3 };
        using var failingClient = context.CreateClient(failing);
        await Assert.ThrowsAsync<HttpRequestException>(() => StreamAsync(failingClient));

        var healthy = new ScriptedChatClient();
        using var client = context.CreateClient(healthy);
        var next = new ResponseCacheScope(Partition);
        var updates = await StreamAsync(client, request: next);

        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(1, healthy.Calls);
        Assert.Equal(6, updates.Count);
    }

    [Fact]
    public async Task StreamingDoesNotCacheCanceledStreams()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);

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

        var next = await StreamConversationAsync(client);
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task StreamingDoesNotCacheStreamsTheConsumerAbandons()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);

        // The client disconnecting looks like this to the middleware: the enumerator is disposed half-way.
        await foreach (var update in client.GetStreamingResponseAsync(CacheTestData.Conversation(), Options(), CacheTestData.Deadline()))
        {
            break;
        }

        var next = await StreamConversationAsync(client);
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
        Assert.Equal(0, context.InFlight.Count);
    }

    [Fact]
    public Task StreamingDoesNotCacheStreamsWithoutFinishReason() =>
        AssertStreamNotStoredAsync(() => CacheTestData.ToolCallStream().Where(u => u.FinishReason is null).ToList());

    [Fact]
    public Task StreamingDoesNotCacheToolCallsWhoseArgumentsDidNotParse() => AssertStreamNotStoredAsync(() =>
    [
        new ChatResponseUpdate { Contents = [new FunctionCallContent("call_x", "read_file") { Exception = new System.Text.Json.JsonException("'}' is invalid after a value") }] },
        new ChatResponseUpdate { FinishReason = ChatFinishReason.ToolCalls },
    ]);

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
            var request = new ResponseCacheScope(Partition);
            await AskAsync(client, request: request);
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

        await AskAsync(client);
        var noCache = ResponseCacheScope.FromCacheControl(Partition, ["no-cache"]);
        var fresh = await AskAsync(client, request: noCache);
        var after = new ResponseCacheScope(Partition);
        var cached = await AskAsync(client, request: after);

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
        using var client = context.CreateClient(out var inner);

        var noStore = ResponseCacheScope.FromCacheControl(Partition, ["no-store"]);
        await AskAsync(client, request: noStore);
        var next = new ResponseCacheScope(Partition);
        await AskAsync(client, request: next);
        var noStoreAgain = ResponseCacheScope.FromCacheControl(Partition, ["no-store"]);
        await AskAsync(client, request: noStoreAgain);

        Assert.Equal(ResponseCacheOutcome.Miss, noStore.Outcome);
        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(ResponseCacheOutcome.Hit, noStoreAgain.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Theory]
    [InlineData(0.7f)]
    [InlineData(null)]
    public async Task NonDeterministicRequestsAreNotCachedByDefault(float? temperature)
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);

        var requests = new[] { new ResponseCacheScope(Partition), new ResponseCacheScope(Partition) };
        foreach (var request in requests)
        {
            await AskAsync(client, o => o.Temperature = temperature, request);
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

        var second = new ResponseCacheScope(Partition);
        await AskAsync(client, o => o.Temperature = temperature);
        await AskAsync(client, o => o.Temperature = temperature, second);

        Assert.Equal(1, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Hit, second.Outcome);
    }

    [Fact]
    public async Task RequestsWithoutCacheRequestBypass()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);
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

        var viaRoute = new ResponseCacheScope(Partition);
        await AskAsync(routeOff, request: viaRoute);
        await AskAsync(routeOff);
        var viaRequest = new ResponseCacheScope(Partition) { ModelAllowsCaching = false };
        await AskAsync(client, request: viaRequest);

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

        var second = new ResponseCacheScope(Partition);
        await AskAsync(client);
        await AskAsync(client, request: second);

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Bypass, second.Outcome);
    }

    /// <summary>
    /// Streams the conversation twice from an upstream that answers <paramref name="updates"/>: nothing was stored, so the
    /// second time misses too and the upstream answers both times.
    /// </summary>
    private async Task AssertStreamNotStoredAsync(Func<IReadOnlyList<ChatResponseUpdate>> updates)
    {
        using var context = Context();
        var inner = new ScriptedChatClient { Updates = updates };
        using var client = context.CreateClient(inner);

        var next = await StreamTwiceAsync(client);

        Assert.Equal(ResponseCacheOutcome.Miss, next.Outcome);
        Assert.Equal(2, inner.Calls);
    }
}
