using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>The cache flow against a real Redis-protocol server (embedded Garnet): what is a hit, what the key tells apart, how an answer is replayed; only the upstream is a stand-in.</summary>
public sealed class ResponseCachingChatClientTests(GarnetServerFixture garnet) : CacheClientTests(garnet)
{
    [Fact]
    public async Task SecondIdenticalRequestIsServedFromCache()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);

        var (first, firstResponse, second, secondResponse) = await TwiceAsync(scope => AskAsync(client, request: scope));

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
        using var client = context.CreateClient(out var inner);

        await AskAsync(client);
        var changed = new ResponseCacheScope(Partition);
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
        using var client = context.CreateClient(out var inner);

        await AskAsync(client);
        var changed = new ResponseCacheScope(Partition);
        await AskAsync(client, o => o.ToolMode = ChatToolMode.RequireSpecific("read_file"), changed);
        var again = new ResponseCacheScope(Partition);
        await AskAsync(client, o => o.ToolMode = ChatToolMode.RequireSpecific("read_file"), again);

        Assert.Equal(2, inner.Calls);
        Assert.Equal(ResponseCacheOutcome.Miss, changed.Outcome);
        Assert.Equal(ResponseCacheOutcome.Hit, again.Outcome);
    }

    [Fact]
    public async Task CacheMissesAcrossPartitions()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);
        var otherPartition = Partition + "-other-key";

        await AskAsync(client);
        var other = new ResponseCacheScope(otherPartition);
        await AskAsync(client, request: other, partition: otherPartition);

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

        await AskAsync(ollama);
        await AskAsync(openAi);

        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task EntriesExpireAfterTtl()
    {
        // Expiry is Redis's own (EXPIRE on the server's clock), so this waits in real time: a TimeProvider cannot move it.
        using var context = Context(new ResponseCacheOptions { Ttl = TimeSpan.FromSeconds(1) });
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await AskAsync(client);
        var beforeExpiry = new ResponseCacheScope(Partition);
        await AskAsync(client, request: beforeExpiry);
        // Polls the real condition: the same request is answered from the store until Redis lets the entry go, and the
        // first one after that goes upstream (a hit in between calls nothing upstream).
        ResponseCacheScope afterExpiry;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        do
        {
            await Task.Delay(50, deadline.Token);
            afterExpiry = new ResponseCacheScope(Partition);
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
        using var client = context.CreateClient(out var inner);

        var (first, original, second, replayed) = await TwiceAsync(scope => StreamAsync(client, request: scope));

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
        using var client = context.CreateClient(out var inner);

        await StreamAsync(client);
        var nonStreaming = new ResponseCacheScope(Partition);
        await AskAsync(client, request: nonStreaming);

        Assert.Equal(ResponseCacheOutcome.Miss, nonStreaming.Outcome);
        Assert.Equal(2, inner.Calls);
    }

    [Fact]
    public async Task MetricsAndSpanTagReportTheOutcome()
    {
        using var context = Context();
        using var client = context.CreateClient(out var inner);
        using var source = new ActivitySource("CursorAspire.Tests.Cache." + Partition);
        using var spans = new StoppedSpans(s => s == source);

        string? missTag, hitTag;
        using (var span = source.StartActivity("chat miss"))
        {
            await AskAsync(client);
            missTag = span?.GetTagItem("cursoraspire.cache.outcome") as string;
        }

        ChatResponse hit;
        using (var span = source.StartActivity("chat hit"))
        {
            hit = await AskAsync(client);
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
