using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Conversations;

/// <summary>
/// Stored conversations grow with their length, not its square: each turn stores what it added and a link to the turns
/// before it, and <c>Proxy:Conversations:MaxBytes</c> caps a conversation with a clear 4xx.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class ConversationGrowthTests(GarnetServerFixture garnet)
{
    private static async Task<string> AskAsync(ProxyHost proxy, string text, string? previous, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = new JsonObject { ["model"] = "remote", ["input"] = text, ["previous_response_id"] = previous };
        var (response, json) = await ChatRequests.PostReadAsync(proxy.Client, body.ToJsonString(), "v1/responses");
        Assert.True(response.StatusCode == expected, json);
        return expected == HttpStatusCode.OK ? (string)JsonNode.Parse(json)!["id"]! : json;
    }

    [Fact]
    public async Task EachTurnStoresOnlyWhatItAddedAndTheChainReadsBackWhole()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        var big = new string('a', 20_000);

        var first = await AskAsync(proxy, "turn one " + big, null);
        var second = await AskAsync(proxy, "turn two", first);
        var third = await AskAsync(proxy, "turn three", second);

        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var sizes = new Dictionary<string, long>();
        foreach (var id in (string[])[first, second, third])
        {
            var key = server.Keys(pattern: $"cursoraspire:conversation:*:{id}").Single();
            sizes[id] = ((string?)await redis.GetDatabase().HashGetAsync(key, "data"))!.Length;
        }
        // The big first input is stored once, not again with every turn that continues it.
        Assert.True(sizes[first] > 20_000);
        Assert.True(sizes[second] < 20_000 && sizes[third] < 20_000, string.Join(", ", sizes.Values));

        // And the model still sees the whole conversation, in order.
        var messages = proxy.Upstream.ChatRequests[^1].Json!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user", "assistant", "user"], messages.Select(m => (string?)m!["role"]));
        Assert.StartsWith("turn one", (string?)messages[0]!["content"]);
        Assert.Equal("turn three", (string?)messages[4]!["content"]);
    }

    [Fact]
    public async Task AConversationPastMaxBytesIsRefusedAndTheUpstreamIsUntouched()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString,
            settings: new Dictionary<string, string?> { ["Proxy:Conversations:MaxBytes"] = "30000" });

        var first = await AskAsync(proxy, new string('b', 20_000), null);
        var refused = await AskAsync(proxy, new string('c', 20_000), first, HttpStatusCode.BadRequest);

        var error = ChatRequests.AssertOpenAIError(refused);
        Assert.Equal("conversation_too_large", (string?)error["code"]);
        Assert.Contains("Proxy:Conversations:MaxBytes", (string?)error["message"]);
        Assert.Single(proxy.Upstream.ChatRequests);
        // A new conversation is fine.
        await AskAsync(proxy, "start over", null);
    }

    [Fact]
    public async Task AChainMissingAnEarlierTurnIsNotFound()
    {
        await using var proxy = await ProxyHost.StartWithStandInAsync(redis: garnet.ConnectionString);
        var first = await AskAsync(proxy, "one", null);
        var second = await AskAsync(proxy, "two", first);
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await redis.GetDatabase().KeyDeleteAsync(server.Keys(pattern: $"cursoraspire:conversation:*:{first}").Single());

        var refused = await AskAsync(proxy, "three", second, HttpStatusCode.NotFound);

        Assert.Equal("previous_response_not_found", (string?)ChatRequests.AssertOpenAIError(refused)["code"]);
    }
}
