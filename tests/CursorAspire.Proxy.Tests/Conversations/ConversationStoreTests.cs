using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Errors;
using Microsoft.Extensions.Caching.StackExchangeRedis;
using StackExchange.Redis;
using CursorAspire.Proxy.Wire.Responses;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Conversations;

/// <summary>Stored conversations in a real Redis-protocol server (embedded Garnet) through <c>RedisCache</c>.</summary>
public sealed class ConversationStoreTests(GarnetServerFixture garnet) : IClassFixture<GarnetServerFixture>, IDisposable
{
    private readonly RedisCache _cache = new(Options.Create(new RedisCacheOptions { Configuration = garnet.ConnectionString }));

    private static CancellationToken Deadline() => new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token;

    private ConversationStore Store(TimeSpan? ttl = null) =>
        new(StateStores.Over(_cache), Options.Create(new ConversationOptions { Ttl = ttl ?? TimeSpan.FromDays(7) }));

    private static ConversationContinuation Continuation(ConversationStore store) => new(store, Options.Create(new ConversationOptions()));

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are terse."),
        new(ChatRole.User, [new TextContent("Read it"), new DataContent("data:image/png;base64,iVBORw0KGgo=")]),
        new(ChatRole.Assistant, [new TextReasoningContent("plan"), new TextContent("Reading."),
            new FunctionCallContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "ReadFile", new Dictionary<string, object?> { ["path"] = "a.py" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_Q2hC8pXw3nZkYb1vLr0tMd5a", "     1|class Cart:")]),
        new(ChatRole.Assistant, "Done."),
    ];

    [Fact]
    public async Task AConversationRoundTripsWithEveryContentKind()
    {
        var id = $"resp_{Guid.NewGuid():N}";
        await Store().SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(id, "my-model", Conversation(), """{"id":"x"}"""), continues: null, KeyOptions.DefaultStoredBytes, Deadline());

        var stored = await Store().LoadAsync("key-aaaaaaaaaaaa", id, Deadline());

        Assert.NotNull(stored);
        Assert.Equal(id, stored.ResponseId);
        Assert.Equal("my-model", stored.Model);
        Assert.Equal("""{"id":"x"}""", stored.ResponseJson);
        var messages = stored.Messages;
        Assert.Equal([ChatRole.System, ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant], messages.Select(m => m.Role));
        Assert.Equal("image/png", Assert.IsType<DataContent>(messages[1].Contents[1]).MediaType);
        Assert.Equal("plan", Assert.IsType<TextReasoningContent>(messages[2].Contents[0]).Text);
        var call = Assert.IsType<FunctionCallContent>(messages[2].Contents[2]);
        Assert.Equal("call_Q2hC8pXw3nZkYb1vLr0tMd5a", call.CallId);
        Assert.Equal("a.py", call.Arguments!["path"]!.ToString());
        var result = Assert.IsType<FunctionResultContent>(messages[3].Contents[0]);
        // A string result comes back as a string, so providers send the plain text again.
        Assert.Equal("     1|class Cart:", Assert.IsType<string>(result.Result));
    }

    [Fact]
    public async Task AnotherKeyCannotLoadTheResponse()
    {
        var id = $"resp_{Guid.NewGuid():N}";
        await Store().SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(id, "m", Conversation(), "{}"), continues: null, KeyOptions.DefaultStoredBytes, Deadline());

        Assert.Null(await Store().LoadAsync("key-bbbbbbbbbbbb", id, Deadline()));
        Assert.NotNull(await Store().LoadAsync("key-aaaaaaaaaaaa", id, Deadline()));
    }

    [Fact]
    public async Task TheEntryExpiresAfterTheConfiguredTtl()
    {
        var id = $"resp_{Guid.NewGuid():N}";
        await Store(TimeSpan.FromHours(2)).SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(id, "m", Conversation(), "{}"), continues: null, KeyOptions.DefaultStoredBytes, Deadline());

        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"cursoraspire:conversation:{{key-aaaaaaaaaaaa}}:{id}");
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task ContinuingAConversationKeepsEveryTurnAnotherTtl()
    {
        var first = $"resp_{Guid.NewGuid():N}";
        var second = $"resp_{Guid.NewGuid():N}";
        var store = Store(TimeSpan.FromHours(2));
        await store.SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(first, "m", Conversation(), "{}"), continues: null, KeyOptions.DefaultStoredBytes, Deadline());
        var chain = await store.LoadConversationAsync("key-aaaaaaaaaaaa", first, Deadline());
        await store.SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(second, "m", Conversation(), "{}"), chain, KeyOptions.DefaultStoredBytes, Deadline());

        // Most of the first turn's life has passed (as if it were stored long ago).
        using var redis = await ConnectionMultiplexer.ConnectAsync(garnet.ConnectionString);
        var db = redis.GetDatabase();
        RedisKey firstKey = $"cursoraspire:conversation:{{key-aaaaaaaaaaaa}}:{first}";
        await db.KeyExpireAsync(firstKey, TimeSpan.FromMinutes(1));

        Assert.NotNull(await store.LoadConversationAsync("key-aaaaaaaaaaaa", second, Deadline()));

        var ttl = await db.KeyTimeToLiveAsync(firstKey);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromHours(2) - TimeSpan.FromMinutes(1), TimeSpan.FromHours(2));
    }

    [Fact]
    public async Task ContinuationPutsStoredTurnsAfterInstructionsAndBeforeTheNewInput()
    {
        var id = $"resp_{Guid.NewGuid():N}";
        await Store().SaveAsync("key-aaaaaaaaaaaa", new StoredResponse(id, "m", Conversation(), "{}"), continues: null, KeyOptions.DefaultStoredBytes, Deadline());
        using var document = System.Text.Json.JsonDocument.Parse($$"""
            {"model":"m","instructions":"New instructions.","previous_response_id":"{{id}}",
             "input":[{"type":"function_call_output","call_id":"call_x","output":"ok"},{"role":"user","content":"and now?"}]}
            """);
        var request = ResponsesRequestReader.Read(document.RootElement);

        var stored = await Continuation(Store()).PrependAsync(request, "key-aaaaaaaaaaaa", 0, Deadline());

        Assert.NotNull(stored);
        Assert.Equal(8, request.Messages.Count);
        Assert.True(ResponsesRequestReader.IsInstructions(request.Messages[0]));
        Assert.Equal("You are terse.", request.Messages[1].Text);
        Assert.Equal("Done.", request.Messages[5].Text);
        Assert.Equal(ChatRole.Tool, request.Messages[6].Role);
        Assert.Equal("and now?", request.Messages[7].Text);
        var toStore = ConversationContinuation.ConversationToStore(request, [new ChatMessage(ChatRole.Assistant, "fine")]);
        Assert.DoesNotContain(toStore, ResponsesRequestReader.IsInstructions);
        Assert.Equal("fine", toStore[^1].Text);
    }

    [Fact]
    public async Task AnUnknownPreviousResponseIsA404NamingTheParameter()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""{"model":"m","previous_response_id":"resp_nope","input":"x"}""");
        var request = ResponsesRequestReader.Read(document.RootElement);

        var error = await Assert.ThrowsAsync<ProxyException>(() => Continuation(Store()).PrependAsync(request, "key-aaaaaaaaaaaa", 0, Deadline()));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("previous_response_not_found", error.Code);
        Assert.Equal("previous_response_id", error.Param);
        Assert.Contains("resp_nope", error.Message);
    }

    [Fact]
    public async Task AnUnreachableStoreIsA503NotAnInternalError()
    {
        int deadPort;
        using (var stopped = GarnetServerFixture.StartNew())
        {
            deadPort = stopped.Port;
        }
        using var cache = new RedisCache(Options.Create(new RedisCacheOptions { Configuration = $"127.0.0.1:{deadPort},connectTimeout=500,connectRetry=0,abortConnect=true,syncTimeout=500,asyncTimeout=500" }));
        var store = new ConversationStore(StateStores.Over(cache), Options.Create(new ConversationOptions()));
        using var document = System.Text.Json.JsonDocument.Parse("""{"model":"m","previous_response_id":"resp_x","input":"x"}""");
        var request = ResponsesRequestReader.Read(document.RootElement);

        var error = await Assert.ThrowsAsync<ProxyException>(() => Continuation(store).PrependAsync(request, "key-aaaaaaaaaaaa", 0, Deadline()));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal("conversation_store_unavailable", error.Code);
    }

    public void Dispose() => _cache.Dispose();
}
