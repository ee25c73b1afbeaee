namespace CursorAspire.TestUpstreams.Tests.Anthropic;

/// <summary>
/// The Messages API's rules the Anthropic stand-in enforces for issue 20 (output ceilings, thinking budgets and modes,
/// temperature, forced tools, thinking blocks and their signatures), each refused in the API's words.
/// </summary>
public sealed class AnthropicRulesTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private static async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(AnthropicStandIn standIn, JsonObject body, string? beta = null)
    {
        using var http = new HttpClient { BaseAddress = standIn.BaseUri };
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Add("anthropic-version", "2023-06-01");
        if (beta is not null)
        {
            request.Headers.Add("anthropic-beta", beta);
        }
        using var response = await http.SendAsync(request, Deadline());
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync(Deadline()))!);
    }

    private static JsonObject Request(string model, int maxTokens, JsonObject? thinking = null, params JsonNode[] history)
    {
        var messages = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Fix the cart." });
        foreach (var message in history)
        {
            messages.Add(message.DeepClone());
        }
        var body = new JsonObject { ["model"] = model, ["max_tokens"] = maxTokens, ["messages"] = messages };
        if (thinking is not null)
        {
            body["thinking"] = thinking;
        }
        return body;
    }

    private static JsonObject Enabled(int budget) => new() { ["type"] = "enabled", ["budget_tokens"] = budget };

    private static JsonObject Adaptive() => new() { ["type"] = "adaptive" };

    /// <summary>Asserts a 400 whose error says <paramref name="message"/>, in the API's own words.</summary>
    private static void AssertRefused(HttpStatusCode status, JsonNode body, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(message, Refusal(body));
    }

    private static string Refusal(JsonNode body)
    {
        Assert.Equal("invalid_request_error", (string?)body["error"]!["type"]);
        return (string)body["error"]!["message"]!;
    }

    /// <summary>A tool turn's assistant message with the given leading blocks, and the tool result that follows it.</summary>
    private static JsonNode[] ToolTurn(string id, params JsonObject[] leading)
    {
        var content = new JsonArray();
        foreach (var block in leading)
        {
            content.Add(block);
        }
        content.Add(new JsonObject { ["type"] = "tool_use", ["id"] = id, ["name"] = "read_file", ["input"] = new JsonObject { ["path"] = "src/cart.py" } });
        return
        [
            new JsonObject { ["role"] = "assistant", ["content"] = content },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = "class Cart: ..." }),
            },
        ];
    }

    private static JsonObject Thinking(string text, string signature) => new() { ["type"] = "thinking", ["thinking"] = text, ["signature"] = signature };

    [Theory]
    [InlineData("claude-sonnet-4-5", 64_001, 64_000, "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5")]
    [InlineData("claude-haiku-4-5-20251001", 999_999, 64_000, "max_tokens: 999999 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001")]
    [InlineData("claude-opus-4-1", 32_001, 32_000, "max_tokens: 32001 > 32000, which is the maximum allowed number of output tokens for claude-opus-4-1")]
    [InlineData("claude-opus-4-6", 128_001, 128_000, "max_tokens: 128001 > 128000, which is the maximum allowed number of output tokens for claude-opus-4-6")]
    public async Task MaxTokensAboveTheModelsCeilingIsRefused(string model, int maxTokens, int ceiling, string expected)
    {
        await using var standIn = await AnthropicStandIn.StartAsync();

        var (status, body) = await PostAsync(standIn, Request(model, maxTokens));
        var (atCeiling, _) = await PostAsync(standIn, Request(model, ceiling));

        AssertRefused(status, body, expected);
        Assert.Equal(HttpStatusCode.OK, atCeiling);
    }

    [Fact]
    public async Task AModelOutsideTheCatalogHasNoCeiling()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(standIn, Request("claude-local-test", 500_000))).Status);
    }

    [Fact]
    public async Task ABudgetThatDoesNotLeaveRoomForTheAnswerIsRefusedUnlessInterleaved()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();

        var (status, body) = await PostAsync(standIn, Request("claude-sonnet-4-5", 4096, Enabled(4096)));
        var (interleaved, _) = await PostAsync(standIn, Request("claude-sonnet-4-5", 4096, Enabled(4096)), beta: "interleaved-thinking-2025-05-14");
        var (fits, _) = await PostAsync(standIn, Request("claude-sonnet-4-5", 4096, Enabled(4095)));
        var (tiny, tinyBody) = await PostAsync(standIn, Request("claude-sonnet-4-5", 4096, Enabled(1023)));

        AssertRefused(status, body, "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size");
        Assert.Equal(HttpStatusCode.OK, interleaved);
        Assert.Equal(HttpStatusCode.OK, fits);
        AssertRefused(tiny, tinyBody, "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
    }

    [Fact]
    public async Task ThinkingTakesOnlyTheDefaultTemperature()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        JsonObject With(double temperature, JsonObject? thinking)
        {
            var body = Request("claude-sonnet-4-5", 8192, thinking);
            body["temperature"] = temperature;
            return body;
        }

        var (refused, body) = await PostAsync(standIn, With(0, Enabled(2048)));
        var (one, _) = await PostAsync(standIn, With(1, Enabled(2048)));
        var (noThinking, _) = await PostAsync(standIn, With(0, null));

        AssertRefused(refused, body, "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode.");
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.Equal(HttpStatusCode.OK, noThinking);
    }

    [Fact]
    public async Task ForcedToolUseIsRefusedWithExtendedThinkingOnlyNotAdaptive()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        JsonObject Forced(string model, JsonObject thinking)
        {
            var body = Request(model, 8192, thinking);
            body["tools"] = new JsonArray(new JsonObject { ["name"] = "read_file", ["input_schema"] = new JsonObject { ["type"] = "object" } });
            body["tool_choice"] = new JsonObject { ["type"] = "any" };
            return body;
        }

        var (refused, body) = await PostAsync(standIn, Forced("claude-sonnet-4-5", Enabled(2048)));
        var (adaptive, _) = await PostAsync(standIn, Forced("claude-opus-4-6", Adaptive()));

        AssertRefused(refused, body, "Thinking may not be enabled when tool_choice forces tool use.");
        Assert.Equal(HttpStatusCode.OK, adaptive);
    }

    [Fact]
    public async Task EachModelTakesOnlyTheThinkingModesItHas()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();

        var (enabledOnOpus47, enabledBody) = await PostAsync(standIn, Request("claude-opus-4-7", 8192, Enabled(2048)));
        var (adaptiveOnSonnet45, adaptiveBody) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Adaptive()));
        var (bothOnOpus46, _) = await PostAsync(standIn, Request("claude-opus-4-6", 8192, Enabled(2048)));
        var (adaptiveOnOpus46, _) = await PostAsync(standIn, Request("claude-opus-4-6", 8192, Adaptive()));

        AssertRefused(enabledOnOpus47, enabledBody, "\"thinking.type.enabled\" is not supported for this model. Use \"thinking.type.adaptive\" and \"output_config.effort\" to control thinking behavior.");
        AssertRefused(adaptiveOnSonnet45, adaptiveBody, "adaptive thinking is not supported on this model");
        Assert.Equal(HttpStatusCode.OK, bothOnOpus46);
        Assert.Equal(HttpStatusCode.OK, adaptiveOnOpus46);
    }

    [Fact]
    public async Task AnAdaptiveTurnThatDidNotThinkDoesNotPoisonTheNextToolTurn()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        // The model chose not to think: a tool call and no thinking block.
        standIn.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"path":"src/cart.py"}""", "toolu_01AdaptiveNoThinking00")));

        var (status, first) = await PostAsync(standIn, Request("claude-opus-4-6", 16_000, Adaptive()));
        Assert.Equal(HttpStatusCode.OK, status);
        var blocks = first["content"]!.AsArray();
        Assert.Equal(["tool_use"], blocks.Select(b => (string?)b!["type"]));

        var history = ToolTurn("toolu_01AdaptiveNoThinking00");
        var (adaptive, _) = await PostAsync(standIn, Request("claude-opus-4-6", 16_000, Adaptive(), history));
        var (enabled, enabledBody) = await PostAsync(standIn, Request("claude-opus-4-6", 16_000, Enabled(4096), history));

        Assert.Equal(HttpStatusCode.OK, adaptive);
        Assert.Equal(HttpStatusCode.BadRequest, enabled);
        Assert.StartsWith("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final `assistant` message must start with a thinking block", Refusal(enabledBody), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ThinkingBlocksComeBackOnlyWithTheSignatureTheStandInIssued()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        standIn.Enqueue(new StandInReply
        {
            ReasoningChunks = ["Read the ", "cart first."],
            ToolCalls = [new StandInToolCall("read_file", """{"path":"src/cart.py"}""", "toolu_01SignedThinking0000")],
        });
        var (_, first) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048)));
        var issued = first["content"]![0]!.AsObject();
        Assert.Equal(AnthropicStandIn.SignatureOf("Read the cart first."), (string?)issued["signature"]);
        Assert.True(((string)issued["signature"]!).Length >= 200, "signatures are long and opaque, like the real ones");

        var (intact, _) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048),
            ToolTurn("toolu_01SignedThinking0000", (JsonObject)issued.DeepClone())));
        var (foreign, foreignBody) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048),
            ToolTurn("toolu_01SignedThinking0000", Thinking("Read the cart first.", "EqQBCkgIBRABGAIiQKmC8Xl5s0Z0Wc4tUv0fOreignSignature=="))));
        var (altered, alteredBody) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, null,
            ToolTurn("toolu_01SignedThinking0000", Thinking("Read the cart first!", (string)issued["signature"]!))));
        var (unsigned, unsignedBody) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048),
            ToolTurn("toolu_01SignedThinking0000", new JsonObject { ["type"] = "thinking", ["thinking"] = "Read the cart first." })));

        Assert.Equal(HttpStatusCode.OK, intact);
        AssertRefused(foreign, foreignBody, "messages.1.content.0: Invalid `signature` in `thinking` block");
        AssertRefused(altered, alteredBody, "messages.1.content.0: Invalid `signature` in `thinking` block"); // checked whatever the thinking mode
        AssertRefused(unsigned, unsignedBody, "messages.1.content.0.thinking.signature: Field required");
    }

    [Fact]
    public async Task RedactedThinkingComesBackOnlyAsIssued()
    {
        await using var standIn = await AnthropicStandIn.StartAsync();
        var data = AnthropicStandIn.RedactedDataOf("flagged by safety systems");
        JsonObject Redacted(string value) => new() { ["type"] = "redacted_thinking", ["data"] = value };

        var (intact, _) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048), ToolTurn("toolu_01RedactedThinking000", Redacted(data))));
        var (altered, body) = await PostAsync(standIn, Request("claude-sonnet-4-5", 8192, Enabled(2048),
            ToolTurn("toolu_01RedactedThinking000", Redacted(data[..^8] + "AAAAAAA="))));

        Assert.DoesNotContain("flagged", data, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, intact);
        AssertRefused(altered, body, "messages.1.content.0: Invalid `data` in `redacted_thinking` block");
    }
}
