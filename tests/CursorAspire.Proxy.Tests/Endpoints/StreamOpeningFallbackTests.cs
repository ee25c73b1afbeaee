namespace CursorAspire.Proxy.Tests.Endpoints;

/// <summary>
/// A stream that opened before the model wrote anything still has its fallbacks: until the first content, a route that
/// fails hands over to the next alias, and only when every one has failed does the user read the error in the stream.
/// </summary>
public sealed class StreamOpeningFallbackTests
{
    private static async Task<CursorAliasesProxy> StartAsync() => await CursorAliasesProxy.StartAsync(new Dictionary<string, string?>
    {
        ["Proxy:StreamOpenAfter"] = "00:00:00", // open at once: the fallback happens after the stream opened
        ["Proxy:Models:oaieffort:Fallbacks:0"] = "local",
        ["Proxy:Retry:MaxAttempts"] = "1",
    });

    [Fact]
    public async Task AnUpstreamThatBreaksAfterItsRoleChunkHandsOverToTheFallback()
    {
        await using var aliases = await StartAsync();
        // OpenAI's first chunk (the role) goes out, then the connection breaks before any content.
        aliases.OpenAI.Enqueue(new StandInReply { FailAfterChunks = 0 });
        aliases.Ollama.Enqueue(StandInReply.FromText("From ", "the fallback."));

        var (response, body) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, ChatRequests.Simple("oaieffort"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = SseChunks.AssertContract(body, "oaieffort");
        Assert.Equal("From the fallback.", summary.Content);
        Assert.Single(aliases.OpenAI.ChatRequests);
        Assert.Single(aliases.Ollama.ChatRequests);
    }

    [Fact]
    public async Task WhenEveryRouteFailsAfterTheStreamOpenedTheUserReadsWhy()
    {
        await using var aliases = await StartAsync();
        aliases.OpenAI.Enqueue(new StandInReply { FailAfterChunks = 0 });
        aliases.Ollama.Enqueue(StandInReply.FromError(503, "model is loading"));

        var (response, body) = await ChatRequests.PostReadAsync(aliases.Proxy.Client, ChatRequests.Simple("oaieffort"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the status went out with the opened stream
        var summary = SseChunks.AssertContract(body, "oaieffort");
        Assert.StartsWith("[CursorAspire] The model stopped with an error:", summary.Content, StringComparison.Ordinal);
        Assert.Contains("model is loading", summary.Content, StringComparison.Ordinal);
        Assert.Equal("stop", summary.FinishReason);
    }
}
