namespace CursorAspire.Proxy.Tests.Providers;

/// <summary>
/// Golden tests of what goes on the wire to the upstream: Cursor's agent bodies through the proxy reach the Ollama and
/// OpenAI-compatible stand-ins as exactly the bytes in <c>tests/fixtures/upstream-requests/</c>. They pin the request body byte for byte, so work
/// on how it is built (tools converted once per tool set, arguments forwarded unparsed) cannot change what is sent,
/// and an upstream's prompt cache keeps seeing the same prefix.
/// </summary>
/// <remarks>
/// When the bytes change on purpose, run with <c>CURSORASPIRE_UPDATE_GOLDEN=1</c>: the test writes the new bytes into
/// that folder of the repository (and still fails, so a run that rewrote them never passes unseen); review the diff and commit it.
/// </remarks>
public sealed class UpstreamRequestBytesTests
{
    [Theory]
    [InlineData("ollama", CursorFixtures.AgentChatToolsMultiturn, true)]
    [InlineData("ollama", CursorFixtures.AgentChatToolsMultiturn, false)]
    [InlineData("ollama", CursorFixtures.AnthropicShapedAgentLoop, true)]
    [InlineData("ollama", CursorFixtures.ResponsesShapedAgent, true)]
    [InlineData("openai", CursorFixtures.AgentChatToolsMultiturn, true)]
    [InlineData("openai", CursorFixtures.AgentChatToolsMultiturn, false)]
    [InlineData("openai", CursorFixtures.AnthropicShapedAgentLoop, true)]
    [InlineData("openai", CursorFixtures.ResponsesShapedAgent, true)]
    public async Task CursorBodyReachesTheUpstreamAsTheGoldenBytes(string provider, string fixture, bool stream)
    {
        var ollama = provider == "ollama";
        await using var proxy = await ProxyHost.StartWithStandInAsync(ollama, settings: new Dictionary<string, string?> { ["Proxy:Cache:Enabled"] = "false" });
        var upstream = proxy.Upstream;

        // Twice (the response cache off): the second request meets everything the first one left in the process (tool declarations kept, converted
        // tools), and must send the same bytes.
        for (var i = 0; i < 2; i++)
        {
            upstream.Enqueue(StandInReply.FromText("ok"));
            var (response, body) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Fixture(fixture, ollama ? "local" : "remote", stream));
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        }

        var sent = upstream.ChatRequests;
        Assert.Equal(2, sent.Count);
        Assert.Equal(sent[0].Body, sent[1].Body);
        var name = $"{provider}.{Path.GetFileNameWithoutExtension(fixture)}.{(stream ? "streamed" : "whole")}.json";
        GoldenFile.AssertSame("upstream-requests", name, sent[0].Body);
    }
}
