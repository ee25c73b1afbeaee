
namespace CursorAspire.Proxy.Tests.Reasoning;

/// <summary>
/// Thinking models over a Cursor agent loop of three tool turns and an answer, through the real proxy, for each
/// provider, in both body shapes Cursor sends, streamed and not. The stand-ins refuse a tool-call turn that comes back
/// without its reasoning (DeepSeek's 400, Anthropic's 400), so every turn passing is the proof; the upstream requests
/// are then checked for the exact reasoning of every earlier turn, and for no echo of it as text.
/// </summary>
public sealed class AgentLoopReasoningTests
{
    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token;

    public static TheoryData<string, bool, bool> Loops()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var kind in (string[])["DeepSeek", "Anthropic", "Ollama"])
        {
            foreach (var responsesShaped in (bool[])[false, true])
            {
                foreach (var stream in (bool[])[true, false])
                {
                    data.Add(kind, responsesShaped, stream);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Loops))]
    public async Task EveryToolTurnGetsItsOwnReasoningBack(string kind, bool responsesShaped, bool stream)
    {
        await using var upstream = await ThinkingUpstream.StartAsync(kind);
        var agent = new CursorLikeAgent(upstream.Proxy, ThinkingUpstream.KeyA, responsesShaped, stream);

        for (var turn = 1; turn <= 3; turn++)
        {
            upstream.Server.Enqueue(ThinkingUpstream.ToolTurn(turn));
            var reply = await agent.NextAsync(Deadline());
            Assert.Equal("tool_calls", reply.FinishReason);
            Assert.Equal("read_file", Assert.Single(reply.Calls).Name);
            // Cursor is shown the reasoning (ThinkTags, the default) and keeps it in the content it sends back.
            Assert.Contains($"<think>{ThinkingUpstream.ReasoningOf(turn)}</think>", reply.Content);
        }
        upstream.Server.Enqueue(ThinkingUpstream.Answer());
        var answer = await agent.NextAsync(Deadline());
        Assert.EndsWith("Done: all files read.", answer.Content);

        var requests = upstream.Server.ChatRequests;
        Assert.Equal(4, requests.Count);
        for (var k = 1; k < requests.Count; k++)
        {
            var assistants = upstream.AssistantMessages(requests[k]);
            Assert.Equal(k, assistants.Count);
            for (var j = 0; j < k; j++)
            {
                Assert.True(assistants[j].HasToolCalls);
                Assert.Equal(ThinkingUpstream.ReasoningOf(j + 1), assistants[j].Reasoning);
                Assert.DoesNotContain("<think>", assistants[j].Text);
                Assert.DoesNotContain("I should read", assistants[j].Text);
            }
        }
    }
}
