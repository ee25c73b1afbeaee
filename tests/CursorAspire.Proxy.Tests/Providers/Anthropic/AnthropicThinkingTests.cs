using CursorAspire.Proxy.Tests.Reasoning;

namespace CursorAspire.Proxy.Tests.Providers.Anthropic;

/// <summary>
/// How thinking reaches Anthropic: adaptive thinking with an effort for the models that take it (and a tool turn on which
/// the model did not think leaving the rest of the loop alone), extended thinking with a budget for the others, and the
/// request kept within what the API takes with thinking on. The stand-in refuses what the API refuses.
/// </summary>
public sealed class AnthropicThinkingTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static Task<ThinkingUpstream> StartAsync(string model, string? effort = "high") =>
        ThinkingUpstream.StartAsync("Anthropic", new Dictionary<string, string?>
        {
            [$"Proxy:Models:{ThinkingUpstream.Alias}:Model"] = model,
            [$"Proxy:Models:{ThinkingUpstream.Alias}:ReasoningEffort"] = effort,
        });

    [Theory]
    [InlineData("claude-opus-4-7")]
    [InlineData("claude-sonnet-4-6")]
    public async Task AdaptiveModelsGetAdaptiveThinkingWithTheEffortAndTheirThinkingShown(string model)
    {
        await using var upstream = await StartAsync(model);
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        await agent.NextAsync(Deadline());

        var sent = upstream.Server.ChatRequests.Single().Json!;
        Assert.Equal("adaptive", (string?)sent["thinking"]!["type"]);
        Assert.Equal("summarized", (string?)sent["thinking"]!["display"]);
        Assert.Equal("medium", (string?)sent["output_config"]!["effort"]); // the agent's own effort wins over the alias's high
        Assert.False(sent.AsObject().ContainsKey("temperature"));
    }

    [Fact]
    public async Task AnAdaptiveTurnWithoutAThinkingBlockDoesNotPoisonTheHistory()
    {
        await using var upstream = await StartAsync("claude-opus-4-7");
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(1));
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(2) with { ReasoningChunks = [] }); // the model chose not to think
        upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(3));
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        for (var turn = 1; turn <= 3; turn++)
        {
            Assert.Equal("tool_calls", (await agent.NextAsync(Deadline())).FinishReason);
        }
        var answer = await agent.NextAsync(Deadline());

        Assert.EndsWith("Done: all files read.", answer.Content, StringComparison.Ordinal);
        var requests = upstream.Server.ChatRequests;
        Assert.Equal(4, requests.Count); // nothing refused
        Assert.All(requests, r => Assert.Equal("adaptive", (string?)r.Json!["thinking"]!["type"])); // thinking stayed on
        var last = upstream.AssistantMessages(requests[^1]);
        Assert.Equal([ThinkingUpstream.ReasoningOf(1), null, ThinkingUpstream.ReasoningOf(3)], last.Select(m => m.Reasoning));
        Assert.DoesNotContain(upstream.Proxy.Logs.Lines, l => l.Contains("without extended thinking", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExtendedThinkingLeavesTheAnswerItsRoomBesideTheBudget()
    {
        await using var upstream = await StartAsync("claude-sonnet-4-5", effort: null);
        var body = JsonNode.Parse(ChatRequests.Simple(ThinkingUpstream.Alias))!.AsObject();
        body["reasoning_effort"] = "xhigh";
        body["max_tokens"] = 20_000;
        body["temperature"] = 0;
        body["top_p"] = 0.5;
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        var (response, text) = await ChatRequests.PostReadAsync(upstream.Proxy.CreateClient(ThinkingUpstream.KeyA), body.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var sent = upstream.Server.ChatRequests.Single().Json!.AsObject();
        Assert.Equal(32_768, (int)sent["thinking"]!["budget_tokens"]!);
        Assert.Equal(20_000 + 32_768, (int)sent["max_tokens"]!);
        Assert.False(sent.ContainsKey("temperature"));
        Assert.False(sent.ContainsKey("top_p"));
    }

    [Fact]
    public async Task AForcedToolGoesWithoutExtendedThinkingWhichRefusesIt()
    {
        await using var upstream = await StartAsync("claude-sonnet-4-5");
        var body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AnthropicShapedFirstTurn))!.AsObject();
        body["model"] = ThinkingUpstream.Alias;
        body["tool_choice"] = new JsonObject { ["type"] = "tool", ["name"] = "read_file" };
        upstream.Server.Enqueue(StandInReply.FromToolCalls(new StandInToolCall("read_file", """{"target_file":"a.py"}""")));

        var (response, text) = await ChatRequests.PostReadAsync(upstream.Proxy.CreateClient(ThinkingUpstream.KeyA), body.ToJsonString());

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var sent = upstream.Server.ChatRequests.Single().Json!.AsObject();
        Assert.False(sent.ContainsKey("thinking"));
        Assert.Equal("tool", (string?)sent["tool_choice"]!["type"]);
    }

    [Fact]
    public async Task AnOldModelsOwnCeilingHoldsEvenAgainstTheOutputRoom()
    {
        await using var upstream = await StartAsync("claude-3-5-haiku-20241022", effort: null);
        upstream.Server.Enqueue(ThinkingUpstream.Answer());

        var (response, text) = await ChatRequests.PostReadAsync(upstream.Proxy.CreateClient(ThinkingUpstream.KeyA), ChatRequests.Simple(ThinkingUpstream.Alias));

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Equal(8_192, (int)upstream.Server.ChatRequests.Single().Json!["max_tokens"]!);
    }
}
