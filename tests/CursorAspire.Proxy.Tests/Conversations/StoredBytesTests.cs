using StackExchange.Redis;

namespace CursorAspire.Proxy.Tests.Conversations;

/// <summary>
/// What a key may keep in stored conversations (<c>Proxy:Keys:&lt;name&gt;:StoredBytes</c>, 256 MiB by default): past it
/// the oldest turns are dropped first, never a turn of the conversation being continued; one conversation larger than
/// the limit is refused with a clear error before anything goes upstream; and a reply from the response cache stores
/// nothing new. In Redis and in process memory alike.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class StoredBytesTests(GarnetServerFixture garnet)
{
    private const string StoreKey = "sk-stored-bytes-test-key-0123456789abcdef";

    private Task<GuardedProxy> StartAsync(bool redis, long storedBytes = 100_000) =>
        GuardedProxy.StartAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:cache"] = redis ? garnet.ConnectionString : null,
            ["Proxy:Keys:store:Key"] = StoreKey,
            ["Proxy:Keys:store:StoredBytes"] = storedBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    private static async Task<(HttpResponseMessage Response, JsonNode Body)> AskAsync(HttpClient client, string text, string? previous = null)
    {
        // Temperature 0: the response cache may answer a repeat.
        var body = new JsonObject { ["model"] = "remote", ["input"] = text, ["previous_response_id"] = previous, ["temperature"] = 0 };
        var (response, json) = await ChatRequests.PostReadAsync(client, body.ToJsonString(), "v1/responses");
        return (response, JsonNode.Parse(json)!);
    }

    private static async Task<string> StoreAsync(HttpClient client, string text, string? previous = null)
    {
        var (response, body) = await AskAsync(client, text, previous);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToJsonString());
        return (string)body["id"]!;
    }

    private static async Task<bool> IsStoredAsync(HttpClient client, string id) =>
        (await client.GetAsync($"v1/responses/{id}")).StatusCode == HttpStatusCode.OK;

    // About 31 KB stored per turn: the input, the stand-in's echo of it, and the response object.
    private static string Text(char c) => $"{Guid.NewGuid()} " + new string(c, 10_000);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task PastTheKeysStoredBytesTheOldestConversationsAreDroppedFirst(bool redis)
    {
        await using var guarded = await StartAsync(redis);
        using var client = guarded.Proxy.CreateClient(StoreKey);

        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await StoreAsync(client, Text((char)('a' + i))));
        }

        // Five turns of about 31 KB are more than 100,000 bytes: the oldest made room for the newest.
        Assert.False(await IsStoredAsync(client, ids[0]));
        Assert.True(await IsStoredAsync(client, ids[^1]));
        var (gone, body) = await AskAsync(client, "and?", ids[0]);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("previous_response_not_found", (string?)body["error"]!["code"]);
        // Another key's conversations are not this key's to drop.
        using var other = guarded.Proxy.Client;
        var theirs = await StoreAsync(other, Text('z'));
        await StoreAsync(client, Text('y'));
        Assert.True(await IsStoredAsync(other, theirs));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task TheConversationBeingContinuedIsNeverDropped(bool redis)
    {
        await using var guarded = await StartAsync(redis);
        using var client = guarded.Proxy.CreateClient(StoreKey);

        var root = await StoreAsync(client, Text('a'));
        var other = await StoreAsync(client, Text('b'));
        var second = await StoreAsync(client, Text('c'), root);
        await StoreAsync(client, Text('d'), second);

        // The root is the oldest turn, but it belongs to the conversation being saved: the other one went instead.
        Assert.True(await IsStoredAsync(client, root));
        Assert.False(await IsStoredAsync(client, other));
    }

    [Fact]
    public async Task OneConversationLargerThanTheLimitIsRefusedBeforeTheUpstream()
    {
        await using var guarded = await StartAsync(redis: true, storedBytes: 20_000);
        using var client = guarded.Proxy.CreateClient(StoreKey);

        var (refused, body) = await AskAsync(client, Text('a') + new string('x', 20_000));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var error = ChatRequests.AssertOpenAIError(body.ToJsonString());
        Assert.Equal("conversation_too_large", (string?)error["code"]);
        Assert.Contains("Proxy:Keys:store:StoredBytes", (string?)error["message"]);
        Assert.Contains("\"store\": false", (string?)error["message"]);
        Assert.Empty(guarded.OpenAI.ChatRequests);

        // The same without storing is answered.
        var unstored = new JsonObject { ["model"] = "remote", ["input"] = Text('b') + new string('x', 20_000), ["store"] = false };
        Assert.Equal(HttpStatusCode.OK, (await ChatRequests.PostAsync(client, unstored.ToJsonString(), "v1/responses")).StatusCode);
    }

    [Fact]
    public async Task AReplyFromTheResponseCacheStoresNothingNew()
    {
        await using var guarded = await StartAsync(redis: true);
        using var client = guarded.Proxy.CreateClient(StoreKey);
        var text = Text('a');

        var (first, firstBody) = await AskAsync(client, text);
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var keyId = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: $"cursoraspire:conversation:*:{(string)firstBody["id"]!}").Single().ToString().Split('{', '}')[1];
        var turns = await redis.GetDatabase().SortedSetLengthAsync($"cursoraspire:conversation-turns:{{{keyId}}}");
        var (replayed, replayedBody) = await AskAsync(client, text);

        Assert.Single(guarded.OpenAI.ChatRequests); // the second was a replay
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.True((bool)firstBody["store"]!);
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.False((bool)replayedBody["store"]!);
        Assert.Equal("false", replayed.Headers.GetValues("x-cursoraspire-stored").Single());
        Assert.Equal(turns, await redis.GetDatabase().SortedSetLengthAsync($"cursoraspire:conversation-turns:{{{keyId}}}"));
    }
}
