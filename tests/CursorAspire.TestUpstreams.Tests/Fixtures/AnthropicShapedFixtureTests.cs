using System.Text.RegularExpressions;
using CursorAspire.TestUpstreams.Fixtures;

namespace CursorAspire.TestUpstreams.Tests.Fixtures;

/// <summary>
/// Cursor's Anthropic-shaped <c>/chat/completions</c> bodies carry every shape issue 20 names, and hold together: every
/// tool call has its result, the ids are Anthropic's, and the thinking blocks verify against the Anthropic stand-in.
/// </summary>
public sealed partial class AnthropicShapedFixtureTests
{
    private static JsonObject Body(string name) => JsonNode.Parse(CursorFixtures.Read(name))!.AsObject();

    private static IEnumerable<JsonObject> Blocks(JsonObject body) =>
        body["messages"]!.AsArray().SelectMany(m => m!["content"]!.AsArray()).Cast<JsonObject>();

    private static IEnumerable<JsonObject> Nested(JsonObject block) =>
        block["content"] is JsonArray inner ? [block, .. inner.Cast<JsonObject>()] : [block];

    private static int CacheMarkers(JsonObject body) =>
        body["system"]!.AsArray().Concat(body["tools"]!.AsArray())
            .Concat(Blocks(body).SelectMany(Nested))
            .Count(b => b!["cache_control"] is JsonObject { } marker && (string?)marker["type"] == "ephemeral");

    [Theory]
    [InlineData(CursorFixtures.AnthropicShapedFirstTurn)]
    [InlineData(CursorFixtures.AnthropicShapedAgentLoop)]
    public void TheBodyIsAnthropicShapedWithOpenAIFieldsMixedIn(string name)
    {
        var body = Body(name);

        Assert.Contains("claude", (string?)body["model"], StringComparison.Ordinal);
        Assert.All(body["system"]!.AsArray(), b => Assert.Equal("text", (string?)b!["type"]));
        Assert.All(body["tools"]!.AsArray(), t =>
        {
            Assert.NotNull(t!["input_schema"]);
            Assert.Null(t["function"]);
            Assert.Null(t["type"]);
        });
        Assert.Equal("auto", (string?)body["tool_choice"]!["type"]);
        Assert.True((bool)body["stream"]!);
        Assert.True((bool)body["stream_options"]!["include_usage"]!);
        Assert.True((int)body["max_tokens"]! > 0);
        Assert.Equal(0, (double)body["temperature"]!);
        Assert.Equal(1, (int)body["n"]!);
        Assert.True((bool)body["parallel_tool_calls"]!);
        Assert.True(CacheMarkers(body) > 4, $"{name} has {CacheMarkers(body)} cache_control markers: a proxy must pick four");
        Assert.Contains(Blocks(body), b => (string?)b["type"] == "image" && (string?)b["source"]!["type"] == "base64");
    }

    [Fact]
    public void TheAgentLoopHasEveryBlockKindAndEveryCallItsResult()
    {
        var body = Body(CursorFixtures.AnthropicShapedAgentLoop);
        var blocks = Blocks(body).SelectMany(Nested).ToList();
        var calls = Blocks(body).Where(b => (string?)b["type"] == "tool_use").ToList();
        var results = Blocks(body).Where(b => (string?)b["type"] == "tool_result").ToList();
        var toolTurns = body["messages"]!.AsArray().Count(m => (string?)m!["role"] == "assistant"
            && m["content"]!.AsArray().Any(b => (string?)b!["type"] == "tool_use"));

        Assert.True(toolTurns >= 3, $"{toolTurns} tool turns");
        Assert.All(calls, c => Assert.Matches(ToolUseId(), (string?)c["id"]));
        Assert.Equal(calls.Select(c => (string?)c["id"]), results.Select(r => (string?)r["tool_use_id"]));
        Assert.Contains(results, r => r["content"] is JsonValue);
        Assert.Contains(results, r => r["content"] is JsonArray inner && inner.Any(b => (string?)b!["type"] == "image") && inner.Any(b => (string?)b!["type"] == "text"));
        Assert.Contains(results, r => r["is_error"] is JsonValue e && (bool)e);
        Assert.Contains(blocks, b => (string?)b["type"] == "thinking" && ((string?)b["signature"])?.Length > 200);
        Assert.Contains(blocks, b => (string?)b["type"] == "redacted_thinking" && b["data"] is not null);
        Assert.Contains(blocks, b => (string?)b["type"] == "image" && (string?)b["source"]!["type"] == "url");
        Assert.Contains(calls, c => c["input"] is JsonObject { Count: > 0 });
    }

    [Fact]
    public void ContentsReadsTheSystemTextsAndToolResultsByteForByte()
    {
        var body = Body(CursorFixtures.AnthropicShapedAgentLoop);
        var contents = CursorFixtures.Contents(CursorFixtures.AnthropicShapedAgentLoop);

        Assert.Equal(body["system"]!.AsArray().Select(b => (string)b!["text"]!), contents.SystemTexts);
        Assert.Equal(6, contents.ToolResults.Count);
        Assert.StartsWith("     1|class Cart:\n", contents.ToolResults[0].Text, StringComparison.Ordinal);
        Assert.Equal(["<workspace_result workspace_path=\"/home/dev/shop-api\">\ntests/test_cart.py\n7:    assert cart.total_items() == 3\n12:    assert len(cart.items) == 1\n</workspace_result>"], contents.ToolResults[1].Texts);
        Assert.True(contents.ToolResults[3].IsError);
        Assert.Equal((1, 1), (contents.ToolResults[4].Texts.Count, contents.ToolResults[4].ImageCount));
        Assert.Equal(
            CursorFixtures.Contents(CursorFixtures.AgentChatToolsMultiturn).ToolResults.Select(r => r.CallId),
            JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AgentChatToolsMultiturn))!["messages"]!.AsArray()
                .Where(m => (string?)m!["role"] == "tool").Select(m => (string?)m!["tool_call_id"]));
    }

    [Fact]
    public async Task ItsThinkingBlocksAreOnesTheAnthropicStandInIssued()
    {
        await using var anthropic = await AnthropicStandIn.StartAsync();
        using var http = new HttpClient { BaseAddress = anthropic.BaseUri };
        async Task<(HttpStatusCode, string)> SendAsync(JsonObject fixture)
        {
            // The Messages API request a proxy would make of it: the OpenAI fields gone, thinking on, temperature default.
            foreach (var field in new[] { "stream", "stream_options", "n", "parallel_tool_calls", "temperature" })
            {
                fixture.Remove(field);
            }
            fixture["model"] = "claude-sonnet-4-5";
            fixture["max_tokens"] = 16_000;
            fixture["thinking"] = new JsonObject { ["type"] = "enabled", ["budget_tokens"] = 4096 };
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = new StringContent(fixture.ToJsonString(), Encoding.UTF8, "application/json") };
            request.Headers.Add("anthropic-version", "2023-06-01");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        var asSent = Body(CursorFixtures.AnthropicShapedAgentLoop);
        var (tooManyMarkers, tooManyBody) = await SendAsync(asSent);
        var unmarked = Unmarked(Body(CursorFixtures.AnthropicShapedAgentLoop));
        var (accepted, acceptedBody) = await SendAsync(unmarked);
        var tampered = Unmarked(Body(CursorFixtures.AnthropicShapedAgentLoop));
        var thinking = Blocks(tampered).First(b => (string?)b["type"] == "thinking");
        thinking["thinking"] = (string)thinking["thinking"]! + " ";
        var (refused, refusedBody) = await SendAsync(tampered);

        Assert.Equal(HttpStatusCode.BadRequest, tooManyMarkers);
        Assert.Contains("A maximum of 4 blocks with cache_control may be provided. Found 8.", tooManyBody, StringComparison.Ordinal);
        Assert.True(accepted == HttpStatusCode.OK, acceptedBody);
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("messages.1.content.0: Invalid `signature` in `thinking` block", refusedBody, StringComparison.Ordinal);
    }

    private static JsonObject Unmarked(JsonObject body)
    {
        foreach (var block in body["system"]!.AsArray().Concat(body["tools"]!.AsArray()).Concat(Blocks(body).SelectMany(Nested)))
        {
            block!.AsObject().Remove("cache_control");
        }
        return body;
    }

    [GeneratedRegex("^toolu_01[A-Za-z0-9]{22}$")]
    private static partial Regex ToolUseId();
}
