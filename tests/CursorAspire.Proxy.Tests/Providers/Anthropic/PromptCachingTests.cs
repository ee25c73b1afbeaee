namespace CursorAspire.Proxy.Tests.Providers.Anthropic;

/// <summary>
/// Anthropic's prompt cache on Cursor's agent bodies: breakpoints after the tools, after the system prompt and on the
/// two latest user-side turns (never more than the four the API allows; the stand-in refuses more), so the next agent
/// step reads the prefix this one wrote, and Cursor sees the cache reads as <c>cached_tokens</c>.
/// </summary>
public sealed class PromptCachingTests
{
    private const string Model = "anthropic-sonnet";

    private static async Task<(ProxyHost Proxy, AnthropicStandIn Anthropic)> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var anthropic = await AnthropicStandIn.StartAsync();
        var config = ProxyHost.AnthropicConfig(anthropic.BaseUri);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        return (await ProxyHost.StartAsync(config), anthropic);
    }

    /// <summary>Every block of the request that carries cache_control, as "where: type".</summary>
    private static List<string> Breakpoints(JsonNode body)
    {
        var marked = new List<string>();
        foreach (var tool in body["tools"] as JsonArray ?? [])
        {
            if (tool?["cache_control"] is not null)
            {
                marked.Add($"tool {(string?)tool["name"]}");
            }
        }
        foreach (var block in body["system"] as JsonArray ?? [])
        {
            if (block?["cache_control"] is not null)
            {
                marked.Add("system");
            }
        }
        var messages = body["messages"]!.AsArray();
        for (var i = 0; i < messages.Count; i++)
        {
            foreach (var block in messages[i]!["content"] as JsonArray ?? [])
            {
                if (block?["cache_control"] is not null)
                {
                    marked.Add($"messages[{i}] {(string?)block["type"]}");
                }
            }
        }
        return marked;
    }

    [Theory]
    [InlineData(CursorFixtures.AgentChatToolsMultiturn)]
    [InlineData(CursorFixtures.ResponsesShapedAgent)]
    public async Task ACursorAgentBodyGetsItsFourBreakpoints(string fixture)
    {
        var (proxy, anthropic) = await StartAsync();
        await using (proxy)
        await using (anthropic)
        {
            var body = JsonNode.Parse(ChatRequests.Fixture(fixture, Model, stream: true))!.AsObject();
            (await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString())).Response.EnsureSuccessStatusCode();

            var first = anthropic.ChatRequests[^1].Json!;
            var breakpoints = Breakpoints(first);
            var tools = first["tools"]!.AsArray();
            var messages = first["messages"]!.AsArray();
            Assert.Equal(4, breakpoints.Count);
            Assert.Equal($"tool {(string?)tools[^1]!["name"]}", breakpoints[0]);
            Assert.Equal("system", breakpoints[1]);
            var latestUserSide = messages.Select((m, i) => ((string?)m!["role"], i)).Last(m => m.Item1 == "user").i;
            Assert.StartsWith($"messages[{latestUserSide}]", breakpoints[3]); // the latest user-side turn
            Assert.All(tools.Take(tools.Count - 1), t => Assert.Null(t!["cache_control"]));
            Assert.Equal("ephemeral", (string?)tools[^1]!["cache_control"]!["type"]);
        }
    }

    [Theory]
    [InlineData(CursorFixtures.AnthropicShapedFirstTurn, new[] { "system", "system", "messages[0] text", "messages[0] text" })]
    [InlineData(CursorFixtures.AnthropicShapedAgentLoop, new[] { "messages[0] text", "messages[4] tool_result", "messages[6] tool_result", "messages[8] text" })]
    public async Task CursorsOwnMarkersMergeWithOursAndTheLastFourInPromptOrderAreKept(string fixture, string[] expected)
    {
        var (proxy, anthropic) = await StartAsync();
        await using (proxy)
        await using (anthropic)
        {
            var (response, text) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(fixture, Model, stream: true));

            Assert.True(response.StatusCode == HttpStatusCode.OK, text); // the stand-in refuses a fifth breakpoint
            Assert.Equal(expected, Breakpoints(anthropic.ChatRequests[^1].Json!));
        }
    }

    [Fact]
    public async Task TheNextAgentStepReadsThePrefixThisOneWrote()
    {
        // The chat fixture is over Anthropic's 1,024-token minimum for a cached prefix (the Responses one is not).
        var (proxy, anthropic) = await StartAsync();
        await using (proxy)
        await using (anthropic)
        {
            var body = JsonNode.Parse(ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, Model, stream: true))!.AsObject();
            var (first, firstText) = await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString());
            first.EnsureSuccessStatusCode();
            var written = SseChunks.AssertContract(firstText, Model).Usage;
            Assert.False(written.TryGetProperty("prompt_tokens_details", out var details) && details.GetProperty("cached_tokens").GetInt64() > 0);

            // The next agent step: Cursor sends the same history plus one more exchange.
            var next = NextStep(body);
            var (response, text) = await ChatRequests.PostReadAsync(proxy.Client, next.ToJsonString());
            response.EnsureSuccessStatusCode();
            var usage = SseChunks.AssertContract(text, Model).Usage;
            var cached = usage.GetProperty("prompt_tokens_details").GetProperty("cached_tokens").GetInt64();
            Assert.True(cached >= 1024, $"cached_tokens {cached}");
            Assert.True(cached < usage.GetProperty("prompt_tokens").GetInt64());
        }
    }

    /// <summary>With prompt caching off, no body gets a breakpoint: not ours, and not Cursor's own markers (the Anthropic-shaped loop carries some).</summary>
    [Theory]
    [InlineData(CursorFixtures.AgentChatToolsMultiturn)]
    [InlineData(CursorFixtures.AnthropicShapedAgentLoop)]
    public async Task PromptCachingOffMarksNothingAndDropsCursorsMarkersToo(string fixture)
    {
        var (proxy, anthropic) = await StartAsync(new Dictionary<string, string?> { [$"Proxy:Models:{Model}:PromptCaching"] = "false" });
        await using (proxy)
        await using (anthropic)
        {
            (await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(fixture, Model))).Response.EnsureSuccessStatusCode();

            Assert.Empty(Breakpoints(anthropic.ChatRequests[^1].Json!));
        }
    }

    [Fact]
    public async Task AnHourLongCacheIsAskedForWhereConfigured()
    {
        var (proxy, anthropic) = await StartAsync(new Dictionary<string, string?> { [$"Proxy:Models:{Model}:PromptCacheTtl"] = "1h" });
        await using (proxy)
        await using (anthropic)
        {
            (await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, Model))).Response.EnsureSuccessStatusCode();

            var body = anthropic.ChatRequests[^1].Json!;
            var ttls = (body["tools"]!.AsArray().Concat(body["system"]!.AsArray()).Concat(body["messages"]!.AsArray().SelectMany(m => m!["content"] as JsonArray ?? [])))
                .Select(b => b?["cache_control"]).OfType<JsonNode>().Select(c => (string?)c["ttl"]).ToList();
            Assert.Equal(4, ttls.Count);
            Assert.All(ttls, ttl => Assert.Equal("1h", ttl));
        }
    }

    [Fact]
    public async Task AShortConversationStillStaysWithinFourBreakpoints()
    {
        var (proxy, anthropic) = await StartAsync();
        await using (proxy)
        await using (anthropic)
        {
            (await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model, stream: false))).Response.EnsureSuccessStatusCode();

            Assert.Equal(["messages[0] text"], Breakpoints(anthropic.ChatRequests[^1].Json!));
        }
    }

    private static JsonObject NextStep(JsonObject body)
    {
        var next = (JsonObject)body.DeepClone();
        if (next["messages"] is JsonArray messages)
        {
            messages.Add(new JsonObject
            {
                ["role"] = "assistant",
                ["content"] = "",
                ["tool_calls"] = new JsonArray(new JsonObject
                {
                    ["id"] = "call_next_step", ["type"] = "function",
                    ["function"] = new JsonObject { ["name"] = "read_file", ["arguments"] = """{"target_file":"README.md"}""" },
                }),
            });
            messages.Add(new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_next_step", ["content"] = "# Shop API" });
        }
        else
        {
            var input = next["input"]!.AsArray();
            input.Add(new JsonObject { ["type"] = "function_call", ["call_id"] = "call_next_step", ["name"] = "read_file", ["arguments"] = """{"target_file":"README.md"}""" });
            input.Add(new JsonObject { ["type"] = "function_call_output", ["call_id"] = "call_next_step", ["output"] = "# Shop API" });
        }
        return next;
    }
}
