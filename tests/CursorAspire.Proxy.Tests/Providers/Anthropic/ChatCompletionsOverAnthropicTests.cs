namespace CursorAspire.Proxy.Tests.Providers.Anthropic;

/// <summary>
/// The proxy in front of Anthropic's Messages API: the official Anthropic SDK and its M.E.AI adapter against a
/// stand-in that speaks the real Messages wire format (named SSE events), over real HTTP.
/// </summary>
public class ChatCompletionsOverAnthropicTests
{
    private const string Model = "anthropic-sonnet";

    [Theory]
    [InlineData(CursorFixtures.AgentChatToolsMultiturn)]
    [InlineData(CursorFixtures.ResponsesShapedAgent)]
    [InlineData(CursorFixtures.AskChatStream)]
    public async Task CursorFixtureStreamsToTheContract(string fixture)
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromText("Sure", ", here", " it is.") with { Usage = new StandInUsage(1234, 56) });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(fixture, Model, stream: true));

        ProviderAnswers.AssertStreamedSureHereItIs(response, body, Model, promptTokens: 1234, completionTokens: 56);
        var sent = anthropic.ChatRequests.Single();
        Assert.Equal("/v1/messages", sent.Path);
        Assert.True(sent.Json!["stream"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ToolCallsStreamWithIndicesInOrderAndFinishReasonToolCalls()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(new StandInReply
        {
            TextChunks = ["Reading ", "both files."],
            ToolCalls =
            [
                new StandInToolCall("read_file", """{"target_file":"src/cart.py","should_read_entire_file":true}""", "toolu_01A"),
                new StandInToolCall("grep", """{"query":"def add\\(","include_pattern":"*.py"}""", "toolu_01B"),
                new StandInToolCall("list_dir", """{"relative_workspace_path":"tests"}""", "toolu_01C"),
            ],
            Usage = new StandInUsage(2048, 77),
        });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, Model, stream: true));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, Model); // indices 0..n in order, each opened once
        Assert.Equal("Reading both files.", summary.Content);
        Assert.Equal("tool_calls", summary.FinishReason);
        Assert.Equal(["toolu_01A", "toolu_01B", "toolu_01C"], summary.ToolCalls.Select(c => c.Id));
        Assert.Equal(["read_file", "grep", "list_dir"], summary.ToolCalls.Select(c => c.Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"target_file":"src/cart.py","should_read_entire_file":true}"""), JsonNode.Parse(summary.ToolCalls[0].Arguments)));
        Assert.Equal("def add\\(", (string?)JsonNode.Parse(summary.ToolCalls[1].Arguments)!["query"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"relative_workspace_path":"tests"}"""), JsonNode.Parse(summary.ToolCalls[2].Arguments)));
        Assert.Equal(2048, summary.Usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(77, summary.Usage.GetProperty("completion_tokens").GetInt64());
    }

    [Fact]
    public async Task MaxTokensStopIsFinishReasonLength()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromText("cut ", "short") with { FinishReason = "max_tokens" });

        var (_, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));

        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("cut short", summary.Content);
        Assert.Equal("length", summary.FinishReason);
    }

    [Fact]
    public async Task UpstreamReceivesSystemToolsAndHistoryByteExactWithItsOwnKey()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync(new AnthropicStandInOptions { ApiKey = "upstream-anthropic-secret" });
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        using var fixture = CursorFixtures.Parse(CursorFixtures.AgentChatToolsMultiturn);
        var wire = fixture.RootElement;

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, Model));

        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        SseChunks.AssertContract(body, Model);
        var sent = anthropic.ChatRequests.Single();
        // The upstream's key, never the client's; the SDK (13.x) sends an API key as a bearer token, not x-api-key.
        Assert.Equal("Bearer upstream-anthropic-secret", sent.Headers["Authorization"]);
        Assert.DoesNotContain(ProxyHost.ApiKey, string.Join("\n", sent.Headers.Values));
        Assert.False(string.IsNullOrWhiteSpace(sent.Headers["anthropic-version"]));
        Assert.Equal("claude-sonnet-4-5", sent.Model);
        var request = sent.JsonElement!.Value;
        Assert.Equal(16384, request.GetProperty("max_tokens").GetInt32()); // the provider default (8,192) raised to the Anthropic output room

        // The system prompt goes to the system parameter, byte-exact; no system turn among the messages.
        var wireSystem = wire.GetProperty("messages").EnumerateArray().Where(m => m.GetProperty("role").GetString() == "system")
            .Select(m => m.GetProperty("content").GetString()).ToList();
        Assert.Equal(wireSystem, SystemTexts(request));
        var messages = request.GetProperty("messages").EnumerateArray().ToList();
        Assert.All(messages, m => Assert.Contains(m.GetProperty("role").GetString(), new[] { "user", "assistant" }));

        // Tools: every function with its name, description and parameter properties.
        var wireTools = wire.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function")).ToList();
        var sentTools = request.GetProperty("tools").EnumerateArray().ToList();
        Assert.Equal(wireTools.Select(t => t.GetProperty("name").GetString()), sentTools.Select(t => t.GetProperty("name").GetString()));
        for (var i = 0; i < wireTools.Count; i++)
        {
            Assert.Equal(wireTools[i].GetProperty("description").GetString(), sentTools[i].GetProperty("description").GetString());
            var schema = sentTools[i].GetProperty("input_schema");
            Assert.Equal("object", schema.GetProperty("type").GetString());
            // Same parameters and required list. (The SDK rewrites schemas for Anthropic's strict tools: constraints the API
            // does not take, such as minItems, move into the description, and objects get additionalProperties:false.)
            var parameters = wireTools[i].GetProperty("parameters");
            Assert.Equal(parameters.GetProperty("properties").EnumerateObject().Select(p => p.Name), schema.GetProperty("properties").EnumerateObject().Select(p => p.Name));
            foreach (var parameter in parameters.GetProperty("properties").EnumerateObject())
            {
                Assert.Equal(parameter.Value.GetProperty("type").GetRawText(), schema.GetProperty("properties").GetProperty(parameter.Name).GetProperty("type").GetRawText());
            }
            Assert.Equal(
                parameters.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()).ToList() : [],
                schema.TryGetProperty("required", out var sentRequired) ? sentRequired.EnumerateArray().Select(r => r.GetString()).ToList() : []);
        }

        // tool_use blocks carry Cursor's ids, names and arguments; tool_result blocks the same ids and the plain text.
        var wireMessages = wire.GetProperty("messages").EnumerateArray().ToList();
        var wireCalls = wireMessages.Where(m => m.TryGetProperty("tool_calls", out _))
            .SelectMany(m => m.GetProperty("tool_calls").EnumerateArray())
            .Select(c => (Id: c.GetProperty("id").GetString(), Name: c.GetProperty("function").GetProperty("name").GetString(), Args: c.GetProperty("function").GetProperty("arguments").GetString()!))
            .ToList();
        var sentCalls = Blocks(messages, "tool_use").ToList();
        Assert.Equal(wireCalls.Select(c => c.Id), sentCalls.Select(b => b.GetProperty("id").GetString()));
        Assert.Equal(wireCalls.Select(c => c.Name), sentCalls.Select(b => b.GetProperty("name").GetString()));
        for (var i = 0; i < wireCalls.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(wireCalls[i].Args), JsonNode.Parse(sentCalls[i].GetProperty("input").GetRawText())));
        }
        var wireResults = wireMessages.Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => (m.GetProperty("tool_call_id").GetString(), m.GetProperty("content").GetString())).ToList();
        var sentResults = Blocks(messages, "tool_result").Select(b => (b.GetProperty("tool_use_id").GetString(), ResultText(b))).ToList();
        Assert.Equal(wireResults, sentResults);

        // The two results of the first (parallel) turn come back together, right after the turn that asked for them.
        var firstCallTurn = messages.FindIndex(m => Blocks([m], "tool_use").Any());
        Assert.Equal(2, Blocks([messages[firstCallTurn + 1]], "tool_result").Count());
    }

    [Fact]
    public async Task ToolChoiceNoneSendsNoTools()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        var request = JsonNode.Parse(ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, Model))!.AsObject();
        request["tool_choice"] = "none";

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, request.ToJsonString());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseChunks.AssertContract(body, Model);
        var sent = anthropic.ChatRequests.Single().Json!.AsObject();
        Assert.False(sent.ContainsKey("tools"));
        Assert.False(sent.ContainsKey("tool_choice"));
    }

    [Fact]
    public async Task RequestMaxTokensAndConfiguredDefaultReachTheUpstream()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri)
            .With("Proxy:Providers:anthropic:MaxOutputTokens", "2000")
            .With("Proxy:Models:anthropic-sonnet:MinOutputTokens", "100"));
        var withMax = JsonNode.Parse(ChatRequests.Simple(Model))!.AsObject();
        withMax["max_tokens"] = 321;

        await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model));
        await ChatRequests.PostReadAsync(proxy.Client, withMax.ToJsonString());

        Assert.Equal([2000, 321], anthropic.ChatRequests.Select(r => (int)r.Json!["max_tokens"]!));
    }

    [Fact]
    public async Task ReasoningEffortBecomesAThinkingBudgetOnlyWhenTheAliasOptsIn()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri)
            .With("Proxy:Models:anthropic-thinking:Provider", "anthropic")
            .With("Proxy:Models:anthropic-thinking:Model", "claude-sonnet-4-5")
            .With("Proxy:Models:anthropic-thinking:Reasoning", "true")
            .With("Proxy:ReasoningOutput", "ReasoningContent"));
        anthropic.Enqueue(
            StandInReply.FromText("plain"),
            new StandInReply { ReasoningChunks = ["Let me ", "think."], TextChunks = ["Done."] });

        string WithEffort(string model)
        {
            var request = JsonNode.Parse(ChatRequests.Simple(model))!.AsObject();
            request["reasoning_effort"] = "medium";
            return request.ToJsonString();
        }

        var (_, plain) = await ChatRequests.PostReadAsync(proxy.Client, WithEffort(Model));
        var (_, thinking) = await ChatRequests.PostReadAsync(proxy.Client, WithEffort("anthropic-thinking"));

        SseChunks.AssertContract(plain, Model);
        var summary = SseChunks.AssertContract(thinking, "anthropic-thinking");
        Assert.Equal("Done.", summary.Content);
        Assert.Equal("Let me think.", summary.Reasoning);
        var sent = anthropic.ChatRequests;
        Assert.False(sent[0].Json!.AsObject().ContainsKey("thinking"));
        var thinkingParam = sent[1].Json!["thinking"]!;
        Assert.Equal("enabled", (string?)thinkingParam["type"]);
        // The API's rules: a budget of at least 1024 tokens, below max_tokens (the adapter adds the budget to the default).
        Assert.InRange((int)thinkingParam["budget_tokens"]!, 1024, (int)sent[1].Json!["max_tokens"]! - 1);
    }

    [Fact]
    public async Task VerifyFixtureNonStreamedGetsAChatCompletionObject()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromText("OK") with { Usage = new StandInUsage(12, 1) });

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, CursorFixtures.Read(CursorFixtures.Verify));

        ProviderAnswers.AssertVerifyAnswer(response, body, totalTokens: 13);
        var sent = anthropic.ChatRequests.Single();
        Assert.Equal("claude-sonnet-4-5", sent.Model); // the unknown name went to the default model
        Assert.False(sent.Json!.AsObject().ContainsKey("stream") && (bool)sent.Json!["stream"]!);
        Assert.Equal(16384, (int)sent.Json!["max_tokens"]!); // Verify's 10, raised to the Anthropic output room
        Assert.Equal(["You are a helpful assistant."], SystemTexts(sent.JsonElement!.Value));
    }

    [Fact]
    public async Task NonStreamedToolCallsComeBackAsToolCalls()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.AnthropicConfig(anthropic.BaseUri));
        anthropic.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("list_dir", """{"target_directory":"/src"}""", "toolu_01Z9")));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(Model, stream: false));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var choice = JsonNode.Parse(body)!["choices"]![0]!;
        Assert.Equal("tool_calls", (string?)choice["finish_reason"]);
        var call = Assert.Single(choice["message"]!["tool_calls"]!.AsArray())!;
        Assert.Equal("toolu_01Z9", (string?)call["id"]);
        Assert.Equal("list_dir", (string?)call["function"]!["name"]);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"target_directory":"/src"}"""), JsonNode.Parse((string)call["function"]!["arguments"]!)));
    }

    private static List<string?> SystemTexts(JsonElement request) => request.GetProperty("system") switch
    {
        { ValueKind: JsonValueKind.String } text => [text.GetString()],
        var blocks => blocks.EnumerateArray().Select(b => b.GetProperty("text").GetString()).ToList(),
    };

    private static IEnumerable<JsonElement> Blocks(IEnumerable<JsonElement> messages, string type) =>
        messages.Where(m => m.GetProperty("content").ValueKind == JsonValueKind.Array)
            .SelectMany(m => m.GetProperty("content").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == type);

    /// <summary>A tool_result's content: a string, or text blocks joined.</summary>
    private static string? ResultText(JsonElement block) => block.GetProperty("content") switch
    {
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        var blocks => string.Concat(blocks.EnumerateArray().Select(b => b.GetProperty("text").GetString())),
    };
}
