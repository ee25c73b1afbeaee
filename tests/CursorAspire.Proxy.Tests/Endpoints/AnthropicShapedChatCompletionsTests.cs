namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// Cursor's Anthropic-shaped dialect end to end: bodies posted to <c>…/chat/completions</c> over real HTTP, answered in
/// Chat Completions by the Ollama, OpenAI-compatible and Anthropic stand-ins, with each upstream's request checked for
/// the system prompt and every tool result Cursor sent.
/// </summary>
public sealed class AnthropicShapedChatCompletionsTests
{
    private const string PngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAQAAAADCAIAAAA7ljmRAAAAEElEQVR4nGN44+EBRww4OQBjPhHRP6OUigAAAABJRU5ErkJggg==";

    private static StandInServer Upstream(CursorAliasesProxy aliases, string alias) => alias switch
    {
        "local" => aliases.Ollama,
        "oaieffort" => aliases.OpenAI,
        _ => aliases.Anthropic,
    };

    /// <summary>The acceptance aliases of each provider kind, streamed and not.</summary>
    public static TheoryData<string, bool> EachProvider() => new()
    {
        { "local", true }, { "local", false }, { "oaieffort", true }, { "oaieffort", false }, { "ant", true }, { "ant", false },
    };

    /// <summary><see cref="EachProvider"/>, and the thinking alias under Cursor's variant name for high effort.</summary>
    public static TheoryData<string, bool> EachProviderAndThinking()
    {
        var data = EachProvider();
        data.Add("antthink-high", true);
        data.Add("antthink-high", false);
        return data;
    }

    [Theory]
    [MemberData(nameof(EachProvider))]
    public async Task TheAgentLoopFixtureReachesEachUpstreamWhole(string alias, bool stream)
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();
        var upstream = Upstream(aliases, alias);
        upstream.Enqueue(StandInReply.FromText("The ", "count is fixed."));

        var (response, body) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, ChatRequests.Fixture(CursorFixtures.AnthropicShapedAgentLoop, alias, stream));

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        if (stream)
        {
            Assert.Equal("The count is fixed.", SseChunks.AssertContract(body, alias).Content);
        }
        else
        {
            Assert.Equal("The count is fixed.", (string?)JsonNode.Parse(body)!["choices"]![0]!["message"]!["content"]);
        }
        var sent = CursorFixtures.Contents(CursorFixtures.AnthropicShapedAgentLoop);
        var received = upstream.ChatRequests.Single();
        var system = string.Join("\n", received.SystemTexts);
        Assert.All(sent.SystemTexts, text => Assert.Contains(text, system, StringComparison.Ordinal));
        Assert.Equal(sent.ToolResults.Select(r => r.Text), received.ToolResults.Select(r => r.Text));
        if (alias != "local")
        {
            // Ollama's tool messages carry no id; the others keep Cursor's byte for byte.
            Assert.Equal(sent.ToolResults.Select(r => r.CallId), received.ToolResults.Select(r => r.CallId));
        }
        if (alias == "ant")
        {
            // Anthropic takes results as Cursor sent them: text and image blocks, is_error, and the signed thinking (checked by the stand-in).
            Assert.Equal(sent.ToolResults.Select(r => r.ImageCount), received.ToolResults.Select(r => r.ImageCount));
            Assert.Equal(sent.ToolResults.Select(r => r.IsError), received.ToolResults.Select(r => r.IsError));
            Assert.Equal(4, AnthropicCacheMarkers(received));
        }
        else
        {
            // No cache markers, and the screenshot of a tool result follows the results as a user image.
            Assert.DoesNotContain("cache_control", received.Body, StringComparison.Ordinal);
            Assert.True(ImagesOutsideToolResults(received) >= 1 + sent.ToolResults.Sum(r => r.ImageCount), received.Body);
        }
    }

    [Theory]
    [MemberData(nameof(EachProviderAndThinking))]
    public async Task AnAgentLoopOfThreeToolTurnsKeepsTheSystemPromptAndEveryResult(string alias, bool stream)
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();
        var upstream = Upstream(aliases, alias);
        var thinks = alias == "antthink-high";
        StandInReply Thinking(StandInReply reply) => thinks ? reply with { ReasoningChunks = ["I need ", $"the next file ({upstream.ChatRequests.Count})."] } : reply;
        upstream.Enqueue(Thinking(StandInReply.FromToolCalls(
            new StandInToolCall("read_file", """{"target_file":"/home/dev/shop-api/src/cart.py"}""", "toolu_01AAAAAAAAAAAAAAAAAAAAAA"),
            new StandInToolCall("grep", """{"pattern":"total_items"}""", "toolu_01BBBBBBBBBBBBBBBBBBBBBB"))));
        upstream.Enqueue(Thinking(StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"target_file":"/home/dev/shop-api/docs/checkout.png"}""", "toolu_01CCCCCCCCCCCCCCCCCCCCCC"))));
        upstream.Enqueue(Thinking(StandInReply.FromToolCalls(new StandInToolCall("run_terminal_cmd", """{"command":"pytest -q","is_background":false}""", "toolu_01DDDDDDDDDDDDDDDDDDDDDD"))));
        upstream.Enqueue(Thinking(StandInReply.FromText("All ", "tests pass.")));
        var agent = new AnthropicShapedAgent(aliases.Proxy.Client, alias, stream);

        for (var turn = 0; turn < 3; turn++)
        {
            var answer = await agent.NextAsync(Result);
            Assert.Equal("tool_calls", answer.FinishReason);
            agent.AssertArrived(upstream.ChatRequests[^1], callIds: alias != "local");
        }
        var last = await agent.NextAsync(Result);

        Assert.EndsWith("All tests pass.", last.Content, StringComparison.Ordinal);
        Assert.Equal(4, upstream.ChatRequests.Count);
        Assert.Equal(4, agent.ResultsSent.Count);
        agent.AssertArrived(upstream.ChatRequests[^1], callIds: alias != "local"); // all four results, and the screenshot's text
        if (thinks)
        {
            // Extended thinking stayed on all the way: each tool turn got its signed thinking back (the stand-in checks it).
            Assert.All(upstream.ChatRequests, r => Assert.Equal("enabled", (string?)r.Json!["thinking"]?["type"]));
            var toolTurns = upstream.ChatRequests[^1].Json!["messages"]!.AsArray()
                .Where(m => (string?)m!["role"] == "assistant" && m["content"] is JsonArray blocks && blocks.Any(b => (string?)b!["type"] == "tool_use"))
                .ToList();
            Assert.Equal(3, toolTurns.Count);
            Assert.All(toolTurns, m => Assert.Equal("thinking", (string?)m!["content"]![0]!["type"]));
            Assert.DoesNotContain(aliases.Proxy.Logs.Lines, l => l.Contains("no longer stored", StringComparison.Ordinal));
        }

        // The second result of the loop comes with a screenshot; a failed command is marked as failed.
        static JsonNode Result(string id, string name, int index) => index switch
        {
            2 => new JsonArray(
                new JsonObject { ["type"] = "text", ["text"] = "Image file: docs/checkout.png" },
                new JsonObject { ["type"] = "image", ["source"] = new JsonObject { ["type"] = "base64", ["media_type"] = "image/png", ["data"] = PngBase64 } }),
            _ => JsonValue.Create($"{name} result #{index} for {id}:\n     1|class Cart:\n")!,
        };
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheAnswerIsByteForByteTheOneAChatCompletionsBodyGets(bool stream)
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();
        StandInReply Reply() => new()
        {
            TextChunks = ["Reading ", "it."],
            ToolCalls = [new StandInToolCall("read_file", """{"target_file":"a.py"}""", "toolu_01SAME")],
            Usage = new StandInUsage(321, 12),
        };
        aliases.OpenAI.Enqueue(Reply());
        aliases.OpenAI.Enqueue(Reply());

        var (_, anthropicShaped) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, ChatRequests.Fixture(CursorFixtures.AnthropicShapedFirstTurn, "oaieffort", stream));
        var (_, chatCompletions) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "oaieffort", stream));

        Assert.Equal(Normalized(chatCompletions), Normalized(anthropicShaped));

        // The completion id and the time differ per answer; nothing else may.
        static string Normalized(string body) =>
            System.Text.RegularExpressions.Regex.Replace(body, "\"(id)\":\"chatcmpl-[0-9a-f]+\"|\"created\":\\d+", "_");
    }

    [Fact]
    public async Task AMalformedBlockIsA400NamingTheField()
    {
        await using var aliases = await CursorAliasesProxy.StartAsync();
        var body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AnthropicShapedAgentLoop))!.AsObject();
        body["messages"]![2]!["content"]![0]!.AsObject().Remove("tool_use_id");

        var (response, text) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(text);
        Assert.Equal("messages[2].content[0].tool_use_id", (string?)error["param"]);
        Assert.Empty(aliases.Ollama.ChatRequests);
    }

    private static int AnthropicCacheMarkers(RecordedRequest request) =>
        System.Text.RegularExpressions.Regex.Count(request.Body, "\"cache_control\"");

    /// <summary>Image parts in user messages (Chat Completions) or images (Ollama) outside tool messages.</summary>
    private static int ImagesOutsideToolResults(RecordedRequest request) =>
        request.Json!["messages"]!.AsArray().Where(m => (string?)m!["role"] == "user").Sum(m =>
            (m!["content"] as JsonArray)?.Count(p => (string?)p!["type"] == "image_url") ?? (m["images"] as JsonArray)?.Count ?? 0);
}
