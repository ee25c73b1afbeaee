namespace CursorAspire.Proxy.Tests.Calls;

/// <summary>
/// <c>Proxy:Models:&lt;alias&gt;:Fallbacks</c>: when a route fails before anything was sent to the client, the next alias
/// answers, under the model name the client asked for; once a token went out, there is no switch.
/// </summary>
public sealed class FallbackTests
{
    private static async Task<(HttpResponseMessage Response, string Body)> AskAsync(FallbackProxy proxy, bool stream, string text = "hi") =>
        await ChatRequests.PostReadAsync(proxy.Proxy.Client, ChatRequests.Simple("fb", stream, text));

    private static string Content(string body, bool stream) =>
        stream ? SseChunks.AssertContract(body, "fb").Content : (string)JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]!;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AnUnreachableProviderHandsOverToTheFallbackUnderTheRequestedName(bool stream)
    {
        await using var proxy = await FallbackProxy.StartAsync(ollamaDown: true);
        proxy.OpenAI.Enqueue(StandInReply.FromText("from ", "the fallback"));

        var (response, body) = await AskAsync(proxy, stream);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from the fallback", Content(body, stream));
        Assert.Equal("fb", (string?)(stream ? JsonNode.Parse(SseChunks.Payloads(body)[0])!["model"] : JsonNode.Parse(body)!["model"]));
        Assert.Equal("gpt-4o-mini", proxy.OpenAI.ChatRequests.Single().Model);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AFailingProviderIsRetriedThenHandsOver(bool stream)
    {
        await using var proxy = await FallbackProxy.StartAsync();
        proxy.Ollama.Enqueue(StandInReply.FromError(500, "llama runner crashed"), StandInReply.FromError(500, "llama runner crashed"));

        var (response, body) = await AskAsync(proxy, stream);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, proxy.Ollama.ChatRequests.Count); // the first attempt and one retry (Proxy:Retry:MaxAttempts = 2)
        Assert.Single(proxy.OpenAI.ChatRequests);
        Assert.StartsWith("Echo:", Content(body, stream));
    }

    [Fact]
    public async Task A5xxThatClearsOnRetryNeedsNoFallback()
    {
        await using var proxy = await FallbackProxy.StartAsync();
        proxy.Ollama.Enqueue(StandInReply.FromError(503, "loading"));

        var (response, _) = await AskAsync(proxy, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, proxy.Ollama.ChatRequests.Count);
        Assert.Empty(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task A429WithAShortRetryAfterIsRetriedAndALongOneHandsOver()
    {
        await using var proxy = await FallbackProxy.StartAsync();
        proxy.Ollama.Enqueue(StandInReply.FromError(429, "busy", TimeSpan.FromSeconds(1)));
        var (shortWait, _) = await AskAsync(proxy, stream: false);
        Assert.Equal(HttpStatusCode.OK, shortWait.StatusCode);
        Assert.Equal(2, proxy.Ollama.ChatRequests.Count);
        Assert.Empty(proxy.OpenAI.ChatRequests);

        proxy.Ollama.Enqueue(StandInReply.FromError(429, "come back in a minute", TimeSpan.FromSeconds(60)));
        var (longWait, _) = await AskAsync(proxy, stream: false);
        Assert.Equal(HttpStatusCode.OK, longWait.StatusCode);
        Assert.Equal(3, proxy.Ollama.ChatRequests.Count); // not retried: past Proxy:Retry:MaxRetryAfter
        Assert.Single(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task ALong429WithNowhereElseToGoReachesTheClientWithItsRetryAfter()
    {
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Models:fb:Fallbacks:0"] = null });
        proxy.Ollama.Enqueue(StandInReply.FromError(429, "come back in a minute", TimeSpan.FromSeconds(60)));

        var (response, _) = await AskAsync(proxy, stream: true);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("60", response.Headers.RetryAfter!.ToString());
        Assert.Single(proxy.Ollama.ChatRequests);
    }

    [Fact]
    public async Task NoFirstByteInTimeHandsOverWithoutARetry()
    {
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:UpstreamFirstByteTimeout"] = "00:00:01" });
        proxy.Ollama.Enqueue(StandInReply.FromText("too late") with { DelayBeforeFirstByte = TimeSpan.FromSeconds(30) });

        var (response, _) = await AskAsync(proxy, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(proxy.Ollama.ChatRequests);
        await proxy.Ollama.ChatRequests[0].Aborted.WaitAsync(TimeSpan.FromSeconds(10)); // the slow call was cancelled
        Assert.Single(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task ALocalContextWindowTooSmallHandsOver()
    {
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?> { ["Proxy:Models:fb:ContextLength"] = "2048" });

        var (response, _) = await AskAsync(proxy, stream: true, text: new string('x', 40_000));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(proxy.Ollama.ChatRequests); // refused before any call: it would have been truncated
        Assert.Single(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task ARequestTheModelRefusesIsNotHandedOver()
    {
        await using var proxy = await FallbackProxy.StartAsync();
        proxy.Ollama.Enqueue(StandInReply.FromError(400, "invalid tool schema"));

        var (response, _) = await AskAsync(proxy, stream: true);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(proxy.Ollama.ChatRequests);
        Assert.Empty(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task OnceATokenWentOutThereIsNoSwitch()
    {
        await using var proxy = await FallbackProxy.StartAsync();
        proxy.Ollama.Enqueue(StandInReply.FromText("Hel", "lo", " wor", "ld") with { FailAfterChunks = 2 });

        var (response, body) = await AskAsync(proxy, stream: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, "fb");
        Assert.StartsWith("Hello", summary.Content);
        Assert.Contains("[CursorAspire] The model stopped with an error", summary.Content);
        Assert.Equal("stop", summary.FinishReason);
        Assert.Empty(proxy.OpenAI.ChatRequests);
    }

    [Fact]
    public async Task SpansSayWhichRouteAnsweredAndWhyTheOthersWereSkipped()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var tags = new ConcurrentBag<(object? Answered, object? Skipped)>();
        using var spans = new StoppedSpans("Microsoft.AspNetCore", a =>
        {
            if (a.TraceId == traceId && a.GetTagItem("cursoraspire.route.answered") is { } answered)
            {
                tags.Add((answered, a.GetTagItem("cursoraspire.route.skipped")));
            }
        });
        await using var proxy = await FallbackProxy.StartAsync(ollamaDown: true);

        using (new Activity("client").SetParentId(traceId, ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded).Start())
        {
            (await AskAsync(proxy, stream: false)).Response.EnsureSuccessStatusCode();
        }

        var (answeredBy, skipped) = Assert.Single(tags);
        Assert.Equal("remote", answeredBy);
        Assert.Equal("fb: upstream_unavailable", skipped); // Ollama is not running
    }

    [Fact]
    public async Task AKeyNeverFallsBackToAnAliasItMayNotUse()
    {
        await using var proxy = await FallbackProxy.StartAsync(new Dictionary<string, string?>
        {
            ["Proxy:Keys:local-only:Key"] = "sk-local-only-key-0123456789abcdef",
            ["Proxy:Keys:local-only:Models:0"] = "fb",
        }, ollamaDown: true);
        using var client = proxy.Proxy.CreateClient("sk-local-only-key-0123456789abcdef");

        var (response, _) = await ChatRequests.PostReadAsync(client, ChatRequests.Simple("fb", stream: false));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // Ollama is not running, and no fallback for this key
        Assert.Empty(proxy.OpenAI.ChatRequests);
    }
}
