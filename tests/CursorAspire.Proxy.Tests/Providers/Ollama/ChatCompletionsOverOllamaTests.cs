namespace CursorAspire.Proxy.Tests.Providers.Ollama;

/// <summary>The proxy in front of Ollama's native API (the real OllamaSharp client against an NDJSON stand-in).</summary>
public class ChatCompletionsOverOllamaTests
{
    [Theory]
    [InlineData(CursorFixtures.Verify)]
    [InlineData(CursorFixtures.AskChatStream)]
    [InlineData(CursorFixtures.AgentChatToolsMultiturn)]
    [InlineData(CursorFixtures.ResponsesShapedAgent)]
    public async Task CursorFixtureStreamsToTheContract(string fixture)
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        ollama.Enqueue(StandInReply.FromText("Sure", ", here", " it is."));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(fixture, "local", stream: true));

        ProviderAnswers.AssertStreamedSureHereItIs(response, body, "local", promptTokens: 10, completionTokens: 5);
        Assert.Equal("no-cache", response.Headers.CacheControl?.ToString());
        Assert.Equal("no", response.Headers.GetValues("X-Accel-Buffering").Single());
    }

    [Fact]
    public async Task VerifyFixtureNonStreamedGetsAChatCompletionObject()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        ollama.Enqueue(StandInReply.FromText("OK"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, CursorFixtures.Read(CursorFixtures.Verify));

        var completion = ProviderAnswers.AssertVerifyAnswer(response, body, totalTokens: 15);
        Assert.Equal("assistant", (string?)completion["choices"]![0]!["message"]!["role"]);
        var upstream = ollama.ChatRequests.Single();
        Assert.Equal("qwen2.5-coder:7b", upstream.Model); // unknown name went to the default model
    }

    [Fact]
    public async Task OllamaToolCallsGetFreshIndicesAndFinishToolCalls()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        ollama.Enqueue(StandInReply.FromToolCalls(
            new StandInToolCall("read_file", """{"target_file":"/home/dev/shop-api/src/cart.py"}"""),
            new StandInToolCall("grep", """{"pattern":"def add","path":"src"}""")));

        var (_, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "local"));

        var summary = SseChunks.AssertContract(body, "local");
        Assert.Equal("tool_calls", summary.FinishReason); // Ollama said "stop"
        Assert.Equal(["read_file", "grep"], summary.ToolCalls.Select(c => c.Name));
        Assert.Equal("/home/dev/shop-api/src/cart.py", JsonDocument.Parse(summary.ToolCalls[0].Arguments).RootElement.GetProperty("target_file").GetString());
        Assert.NotEqual(summary.ToolCalls[0].Id, summary.ToolCalls[1].Id);
    }

    [Fact]
    public async Task UpstreamSeesToolHistoryAsPlainTextAndTheContextWindowIsSet()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        using var fixture = CursorFixtures.Parse(CursorFixtures.AgentChatToolsMultiturn);

        await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "local"));

        var sent = ollama.ChatRequests.Single().Json!;
        var messages = sent["messages"]!.AsArray();
        var wireResults = fixture.RootElement.GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool").Select(m => m.GetProperty("content").GetString()).ToList();
        var sentResults = messages.Where(m => (string?)m!["role"] == "tool").Select(m => (string?)m!["content"]).ToList();
        Assert.Equal(wireResults, sentResults); // the exact text Cursor gave, not a {"CallId":…} wrapper

        var sentCalls = messages.Where(m => m!["tool_calls"] is not null).SelectMany(m => m!["tool_calls"]!.AsArray()).ToList();
        Assert.Contains(sentCalls, c => (string?)c!["function"]!["name"] == "read_file");
        Assert.Equal(fixture.RootElement.GetProperty("tools").GetArrayLength(), sent["tools"]!.AsArray().Count);

        var numCtx = (int)sent["options"]!["num_ctx"]!;
        Assert.True(numCtx >= 8192, $"num_ctx {numCtx}");
        Assert.Equal("30m", (string?)sent["keep_alive"]);
    }

    [Fact]
    public async Task ImagesReachOllamaAsBase64()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        const string png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
        var body = $$$"""{"model":"local","stream":false,"messages":[{"role":"user","content":[{"type":"text","text":"what is this?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{png}}}"}}]}]}""";

        var (response, _) = await ChatRequests.PostReadAsync(proxy.Client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = ollama.ChatRequests.Single().Json!["messages"]!.AsArray().Single()!;
        Assert.Equal(png, (string?)sent["images"]![0]);
        Assert.Equal("what is this?", (string?)sent["content"]);
    }

    [Fact]
    public async Task ThinkingFromOllamaIsShownInThinkTagsByDefault()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        ollama.Enqueue(new StandInReply { ReasoningChunks = ["Let me ", "think."], TextChunks = ["Answer."] });

        var (_, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple());

        Assert.Equal("<think>Let me think.</think>\n\nAnswer.", SseChunks.AssertContract(body, "local").Content);
    }

    [Fact]
    public async Task SeveralMegabyteBodyIsAcceptedAndNothingIsTruncated()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Models:local:ContextLength", "2000000"));
        var big = string.Concat(Enumerable.Repeat("0123456789abcdef", 6 * 1024 * 1024 / 16)); // 6 MB of tool output

        var body = new JsonObject
        {
            ["model"] = "local",
            ["stream"] = true,
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "read it" },
                new JsonObject { ["role"] = "assistant", ["content"] = "", ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "call_big", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "read_file", ["arguments"] = "{}" } }) },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = "call_big", ["content"] = big }),
        }.ToJsonString();
        var (response, text) = await ChatRequests.PostReadAsync(proxy.Client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        SseChunks.AssertContract(text, "local");
        var sentTool = ollama.ChatRequests.Single().Json!["messages"]!.AsArray().Single(m => (string?)m!["role"] == "tool")!;
        Assert.Equal(big, (string?)sentTool["content"]);
    }

    [Fact]
    public async Task PromptLargerThanTheModelWindowIsRefusedWithAClearError()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri)
            .With("Proxy:Models:local:ContextLength", "4096"));

        var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple(text: new string('x', 40_000)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body);
        Assert.Equal("context_length_exceeded", (string?)error["code"]);
        Assert.Contains("4,096", (string?)error["message"]);
        Assert.Equal(0, ollama.CallCount);
    }
}
