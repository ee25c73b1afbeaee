namespace CursorAspire.TestUpstreams.Tests.Caching;

/// <summary>The stand-ins bill a prompt cache the way the real APIs do, and refuse what they refuse.</summary>
public sealed class PromptCacheStandInTests
{
    private static readonly string LongPrompt = string.Concat(Enumerable.Range(0, 800).Select(i => $"line {i} of a long system prompt. "));

    private static async Task<JsonNode> PostAsync(HttpClient http, Uri uri, JsonObject body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(uri, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, text);
        return JsonNode.Parse(text)!;
    }

    private static JsonObject OpenAIBody(string model, string? cacheKey, string last) => new()
    {
        ["model"] = model,
        ["prompt_cache_key"] = cacheKey,
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = LongPrompt },
            new JsonObject { ["role"] = "user", ["content"] = last }),
    };

    [Fact]
    public async Task OpenAIReadsASharedPrefixOfTheSameCacheKeyIn128TokenSteps()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        using var http = new HttpClient();
        var uri = new Uri(openai.ApiBaseUri, "chat/completions");

        var first = await PostAsync(http, uri, OpenAIBody("gpt-4o-mini", "session-1", "one"));
        var second = await PostAsync(http, uri, OpenAIBody("gpt-4o-mini", "session-1", "two"));
        var unkeyed = await PostAsync(http, uri, OpenAIBody("gpt-4o-mini", null, "three"));

        Assert.Equal(0, (int)first["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
        var cached = (int)second["usage"]!["prompt_tokens_details"]!["cached_tokens"]!;
        Assert.True(cached >= PromptCache.MinimumTokens && cached % 128 == 0, $"{cached}");
        Assert.Equal(0, (int)unkeyed["usage"]!["prompt_tokens_details"]!["cached_tokens"]!);
    }

    [Fact]
    public async Task DeepSeekReportsCacheHitsInItsOwnFields()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        using var http = new HttpClient();
        var uri = new Uri(openai.ApiBaseUri, "chat/completions");

        await PostAsync(http, uri, OpenAIBody("deepseek-chat", "s", "one"));
        var usage = (await PostAsync(http, uri, OpenAIBody("deepseek-chat", "s", "two")))["usage"]!;

        Assert.Null(usage["prompt_tokens_details"]);
        var hits = (int)usage["prompt_cache_hit_tokens"]!;
        Assert.True(hits >= PromptCache.MinimumTokens);
        Assert.Equal((int)usage["prompt_tokens"]! - hits, (int)usage["prompt_cache_miss_tokens"]!);
    }

    private static JsonObject AnthropicBody(int marks, string last)
    {
        var system = new JsonArray();
        for (var i = 0; i < marks; i++)
        {
            system.Add(new JsonObject { ["type"] = "text", ["text"] = $"{i}: {LongPrompt}", ["cache_control"] = new JsonObject { ["type"] = "ephemeral" } });
        }
        return new JsonObject
        {
            ["model"] = "claude-sonnet-4-5",
            ["max_tokens"] = 100,
            ["system"] = system,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = last }),
        };
    }

    /// <summary>An HTTP client for Anthropic's Messages API: every request carries the API version, as the SDK sends it.</summary>
    private static HttpClient AnthropicHttp()
    {
        var http = new HttpClient();
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return http;
    }

    [Fact]
    public async Task AnthropicWritesThenReadsAtBreakpointsAndRefusesAFifth()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        using var http = AnthropicHttp();
        var uri = new Uri(anthropic.BaseUri, "v1/messages");

        var first = (await PostAsync(http, uri, AnthropicBody(1, "one")))["usage"]!;
        var second = (await PostAsync(http, uri, AnthropicBody(1, "two")))["usage"]!;
        var refused = await PostAsync(http, uri, AnthropicBody(5, "three"), HttpStatusCode.BadRequest);

        Assert.True((int)first["cache_creation_input_tokens"]! >= PromptCache.MinimumTokens);
        Assert.Equal(0, (int)first["cache_read_input_tokens"]!);
        Assert.Equal((int)first["cache_creation_input_tokens"]!, (int)second["cache_read_input_tokens"]!);
        Assert.Equal("A maximum of 4 blocks with cache_control may be provided. Found 5.", (string?)refused["error"]!["message"]);
    }

    [Fact]
    public async Task DeepSeekThinkingModeRefusesAToolTurnWithoutItsReasoning()
    {
        await using var openai = await OpenAIStandIn.StartAsync();
        using var http = new HttpClient();
        var body = new JsonObject
        {
            ["model"] = "deepseek-reasoner",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "read it" },
                new JsonObject
                {
                    ["role"] = "assistant", ["content"] = "",
                    ["tool_calls"] = new JsonArray(new JsonObject { ["id"] = "c1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = "read", ["arguments"] = "{}" } }),
                },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = "c1", ["content"] = "x" }),
        };

        var refused = await PostAsync(http, new Uri(openai.ApiBaseUri, "chat/completions"), body, HttpStatusCode.BadRequest);
        body["messages"]![1]!["reasoning_content"] = "";
        await PostAsync(http, new Uri(openai.ApiBaseUri, "chat/completions"), body);

        Assert.StartsWith("Missing `reasoning_content` field in the assistant message at message index 1.", (string?)refused["error"]!["message"]);
    }

    [Fact]
    public async Task AnthropicWithThinkingRefusesAFinalToolTurnWithoutItsSignedThinking()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        using var http = AnthropicHttp();
        var uri = new Uri(anthropic.BaseUri, "v1/messages");
        JsonObject Body(JsonArray assistant) => new()
        {
            ["model"] = "claude-sonnet-4-5",
            ["max_tokens"] = 4000,
            ["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 1024 },
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "read it" },
                new JsonObject { ["role"] = "assistant", ["content"] = assistant },
                new JsonObject { ["role"] = "user", ["content"] = new JsonArray(new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = "t1", ["content"] = "x" }) }),
        };
        JsonObject ToolUse() => new() { ["type"] = "tool_use", ["id"] = "t1", ["name"] = "read", ["input"] = new JsonObject() };

        var missing = await PostAsync(http, uri, Body([ToolUse()]), HttpStatusCode.BadRequest);
        var forged = await PostAsync(http, uri, Body([new JsonObject { ["type"] = "thinking", ["thinking"] = "edited", ["signature"] = "c2lnbmF0dXJl" }, ToolUse()]), HttpStatusCode.BadRequest);

        Assert.StartsWith("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`.", (string?)missing["error"]!["message"]);
        Assert.Equal("messages.1.content.0: Invalid `signature` in `thinking` block", (string?)forged["error"]!["message"]);
    }
}
