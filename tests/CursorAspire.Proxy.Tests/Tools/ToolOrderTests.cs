namespace CursorAspire.Proxy.Tests.Tools;

/// <summary>
/// Ollama renders the tools near the start of the prompt: the same tools listed in another order from one turn to the
/// next go up in one order, so the prompt's prefix, and Ollama's cache of it, survive.
/// </summary>
public sealed class ToolOrderTests
{
    [Fact]
    public async Task TheSameToolsInAnotherOrderReachOllamaAsTheSameBytes()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        await using var proxy = await ProxyHost.StartAsync(ProxyHost.OllamaConfig(ollama.BaseUri));
        var body = JsonNode.Parse(ChatRequests.Fixture(CursorFixtures.AgentChatToolsMultiturn, "local", stream: false))!.AsObject();
        var reordered = body.DeepClone().AsObject();
        reordered["tools"] = new JsonArray([.. body["tools"]!.AsArray().Reverse().Select(t => t!.DeepClone())]);

        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString())).Response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostReadAsync(proxy.Client, reordered.ToJsonString())).Response.StatusCode);

        var (first, second) = (ollama.ChatRequests[0], ollama.ChatRequests[1]);
        Assert.Equal(first.Body, second.Body);
        var names = first.JsonElement!.Value.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }
}
