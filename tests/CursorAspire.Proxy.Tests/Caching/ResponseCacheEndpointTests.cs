using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>The response cache through the real endpoint, with a real Redis-protocol server (embedded Garnet) behind it.</summary>
public class ResponseCacheEndpointTests
{
    private const string SecondKey = "second-key-0a9b8c7d6e5f";

    private static Dictionary<string, string?> Config(Uri ollama, string? redis)
    {
        var config = ProxyHost.OllamaConfig(ollama);
        config["Proxy:ApiKeys:1"] = SecondKey;
        if (redis is not null)
        {
            config["ConnectionStrings:cache"] = redis;
        }
        return config;
    }

    /// <summary>An Ollama stand-in and the proxy in front of it (<see cref="Config"/>), which owns the stand-in.</summary>
    private static async Task<ProxyHost> StartAsync(string? redis)
    {
        var ollama = await OllamaStandIn.StartAsync();
        return await ProxyHost.StartInFrontOfAsync(ollama, Config(ollama.BaseUri, redis));
    }

    private static string AgentRequest(bool stream = true, string model = "local") =>
        ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, model, stream); // temperature 0, as Cursor sends

    private static async Task<(HttpResponseMessage Response, string Body)> SendAsync(HttpClient client, string body, string? cacheControl = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (cacheControl is not null)
        {
            request.Headers.TryAddWithoutValidation("Cache-Control", cacheControl);
        }
        var response = await client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string XCache(HttpResponseMessage response) => response.Headers.GetValues("x-cache").Single();

    [Fact]
    public async Task RepeatedStreamedRequestIsAHitReplayedToTheContractAndStoredInRedis()
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet.ConnectionString);
        proxy.Upstream.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"target_file":"a.py"}""")));

        var (first, firstBody) = await SendAsync(proxy.Client, AgentRequest());
        var (second, secondBody) = await SendAsync(proxy.Client, AgentRequest());

        Assert.Equal("MISS", XCache(first));
        Assert.Equal("HIT", XCache(second));
        Assert.Equal(1, proxy.Upstream.CallCount);
        var original = SseChunks.AssertContract(firstBody, "local");
        var replay = SseChunks.AssertContract(secondBody, "local");
        Assert.Equal(original.ToolCalls, replay.ToolCalls);
        Assert.Equal("tool_calls", replay.FinishReason);
        var usage = replay.Usage;
        Assert.Equal(usage.GetProperty("prompt_tokens").GetInt64(), usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64());
        Assert.False(original.Usage.TryGetProperty("prompt_tokens_details", out _));

        await using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var keys = redis.GetServer(garnet.ConnectionString).Keys(pattern: "cursoraspire:response:*").ToList();
        Assert.NotEmpty(keys);
    }

    [Fact]
    public async Task NonStreamedHitSaysSoInUsage()
    {
        await using var proxy = await StartAsync(redis: null);

        await SendAsync(proxy.Client, AgentRequest(stream: false));
        var (second, body) = await SendAsync(proxy.Client, AgentRequest(stream: false));

        Assert.Equal("HIT", XCache(second));
        var usage = System.Text.Json.Nodes.JsonNode.Parse(body)!["usage"]!;
        Assert.Equal((long)usage["prompt_tokens"]!, (long)usage["prompt_tokens_details"]!["cached_tokens"]!);
        Assert.Equal(1, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task AnotherKeyNeverSeesTheFirstKeysAnswer()
    {
        await using var proxy = await StartAsync(redis: null);
        using var other = proxy.CreateClient(SecondKey);

        await SendAsync(proxy.Client, AgentRequest());
        var (response, _) = await SendAsync(other, AgentRequest());

        Assert.Equal("MISS", XCache(response));
        Assert.Equal(2, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task ChangedToolsMissTheCache()
    {
        await using var proxy = await StartAsync(redis: null);

        await SendAsync(proxy.Client, AgentRequest());
        var changed = AgentRequest().Replace("Read a file, optionally by offset/limit", "Read a file (changed)");
        var (response, _) = await SendAsync(proxy.Client, changed);

        Assert.Equal("MISS", XCache(response));
        Assert.Equal(2, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task NoCacheBypassesTheReadAndNoStoreSkipsTheWrite()
    {
        await using var proxy = await StartAsync(redis: null);

        var (noStore, _) = await SendAsync(proxy.Client, AgentRequest(), "no-store");
        var (afterNoStore, _) = await SendAsync(proxy.Client, AgentRequest());
        var (noCache, _) = await SendAsync(proxy.Client, AgentRequest(), "no-cache");

        Assert.Equal("MISS", XCache(noStore));
        Assert.Equal("MISS", XCache(afterNoStore)); // nothing was stored by the no-store request
        Assert.Equal("BYPASS", XCache(noCache));    // stored by the second, but the read was bypassed
        Assert.Equal(3, proxy.Upstream.CallCount);
    }

    [Fact]
    public async Task DeadRedisStillAnswersWithinTheBound()
    {
        using var garnet = GarnetServerFixture.StartNew();
        await using var proxy = await StartAsync(garnet.ConnectionString);
        await SendAsync(proxy.Client, AgentRequest());
        garnet.Stop();

        for (var i = 0; i < 4; i++)
        {
            var watch = Stopwatch.StartNew();
            var (response, body) = await SendAsync(proxy.Client, AgentRequest().Replace("Make Cart.add", $"Make Cart.add ({i})"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            SseChunks.AssertContract(body, "local");
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"request {i} took {watch.Elapsed}");
        }
    }

    [Fact]
    public async Task ResponsesEndpointIsCachedAndSaysSo()
    {
        await using var proxy = await StartAsync(redis: null);
        const string body = """{"model":"local","temperature":0,"store":false,"input":"what is 2+2?"}""";

        var first = await ChatRequests.PostAsync(proxy.Client, body, "v1/responses");
        var second = await ChatRequests.PostAsync(proxy.Client, body, "v1/responses");

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal("MISS", XCache(first));
        Assert.Equal("HIT", XCache(second));
        Assert.Equal(1, proxy.Upstream.CallCount);
        var output = System.Text.Json.Nodes.JsonNode.Parse(await second.Content.ReadAsStringAsync())!;
        Assert.Equal("response", (string?)output["object"]);
        Assert.Equal("Echo: what is 2+2?", (string?)output["output"]![0]!["content"]![0]!["text"]);
    }
}
