namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>
/// Kimi K2, GLM and MiniMax-M behind an OpenAI-compatible endpoint, over a Cursor agent loop of three tool turns: each gets
/// the reasoning it wrote back on every tool turn, in its own form, against a stand-in that refuses the way each API does
/// (Moonshot's 400; GLM and MiniMax in strict mode, which refuses reasoning that did not come back intact). The aliases
/// do not set <c>Reasoning</c>: the model's family alone decides (<c>OpenAIThinkingFamilies</c>).
/// </summary>
public sealed class ThinkingVendorTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    private static async Task<(OpenAIStandIn Server, ProxyHost Proxy)> StartAsync(string model)
    {
        var server = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { ApiKey = "sk-vendor-upstream", StrictReasoningReturn = true });
        try
        {
            var proxy = await ProxyHost.StartAsync(new Dictionary<string, string?>
            {
                ["Proxy:ApiKeys:0"] = ThinkingUpstream.KeyA,
                ["Proxy:ApiKeys:1"] = ThinkingUpstream.KeyB,
                ["Proxy:Providers:vendor:Kind"] = "OpenAI",
                ["Proxy:Providers:vendor:Endpoint"] = server.ApiBaseUri.ToString(),
                ["Proxy:Providers:vendor:ApiKey"] = "sk-vendor-upstream",
                [$"Proxy:Models:{ThinkingUpstream.Alias}:Provider"] = "vendor",
                [$"Proxy:Models:{ThinkingUpstream.Alias}:Model"] = model,
            });
            return (server, proxy);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public static TheoryData<string, bool, bool> Loops()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var model in (string[])["kimi-k2-thinking", "glm-4.6", "MiniMax-M2"])
        {
            foreach (var stream in (bool[])[true, false])
            {
                data.Add(model, stream, false);
            }
        }
        data.Add("MiniMax-M2", true, true);
        data.Add("kimi-k2.5", true, true);
        return data;
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task EveryToolTurnGetsItsReasoningBackIntact(string model, bool stream, bool responsesShaped)
    {
        var (server, proxy) = await StartAsync(model);
        await using var _ = proxy;
        await using var __ = server;
        var agent = new CursorLikeAgent(proxy, ThinkingUpstream.KeyA, responsesShaped, stream);

        for (var turn = 1; turn <= 3; turn++)
        {
            server.Enqueue(ThinkingUpstream.ToolTurn(turn));
            var reply = await agent.NextAsync(Deadline());
            Assert.Equal("tool_calls", reply.FinishReason);
            // Cursor sees the reasoning as reasoning (think tags), MiniMax's included: never its raw content.
            Assert.Contains($"<think>{ThinkingUpstream.ReasoningOf(turn)}", reply.Content.Replace("<think>\n", "<think>", StringComparison.Ordinal), StringComparison.Ordinal);
        }
        server.Enqueue(ThinkingUpstream.Answer());
        var answer = await agent.NextAsync(Deadline());
        Assert.EndsWith("Done: all files read.", answer.Content, StringComparison.Ordinal);

        // Four requests, none refused and none sent twice; each later one gave back every earlier turn's reasoning as written.
        var requests = server.ChatRequests;
        Assert.Equal(4, requests.Count);
        for (var k = 1; k < requests.Count; k++)
        {
            Assert.Equal(k, requests[k].ReasoningReturns.Count);
            Assert.Empty(requests[k].ReasoningViolations);
        }
    }

    [Fact]
    public async Task KimiGetsReasoningContentEvenWhenItsStoredReasoningIsGoneWithoutARefusedRequest()
    {
        var (server, proxy) = await StartAsync("kimi-k2-thinking");
        await using var _ = proxy;
        await using var __ = server;
        var first = new CursorLikeAgent(proxy, ThinkingUpstream.KeyA, responsesShaped: false, stream: true);
        server.Enqueue(ThinkingUpstream.ToolTurn(1));
        await first.NextAsync(Deadline());

        // Another key continues the same history: the first key's stored reasoning is not given to it.
        var other = new CursorLikeAgent(proxy, ThinkingUpstream.KeyB, responsesShaped: false, stream: true);
        other.History.AddRange(first.History);
        server.Enqueue(ThinkingUpstream.Answer());
        var answer = await other.NextAsync(Deadline());

        Assert.EndsWith("Done: all files read.", answer.Content, StringComparison.Ordinal);
        Assert.Equal(2, server.ChatRequests.Count); // Moonshot's 400 never came: the field was there from the start
        var returned = Assert.Single(server.ChatRequests[1].ReasoningReturns);
        // The client's copy (the think block Cursor was shown, word for word the model's here), not an empty field.
        Assert.NotEqual(ReasoningReturnStatus.Missing, returned.Status);
        Assert.Contains(proxy.Logs.Lines, l => l.Contains("is no longer stored", StringComparison.Ordinal));
    }
}
