using CursorAspire.Proxy.Providers.OpenAI;
using Microsoft.Extensions.AI;
using static CursorAspire.Proxy.Tests.Providers.OpenAI.OpenAIAnswerDescriptions;
using static CursorAspire.Proxy.Tests.Providers.OpenAI.OpenAIAnswerReading;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy's own reader of OpenAI-compatible answers (<see cref="OpenAIChatResponseReader"/>) against M.E.AI's OpenAI
/// client over the OpenAI SDK: for the same answer on real HTTP it gives the same updates and responses (ids, times,
/// model, role, finish reason, text, reasoning, tool calls, refusal, usage), streamed and whole; where it deliberately
/// differs (an error inside a 200), the test says so.
/// </summary>
public sealed class OpenAIChatResponseReaderTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T05:00:00Z", CultureInfo.InvariantCulture);

    public static TheoryData<string> Replies =>
        ["text", "reasoning", "tools", "length", "no-usage", "cached-tokens", "deepseek-cache-hits", "minimax-content", "invalid-arguments"];

    private static (string Model, StandInReply Reply) Script(string name) => name switch
    {
        "text" => (Model, StandInReply.FromText("Sure", ", here", " it is: \"ü\" 文字.") with { Usage = new StandInUsage(42, 7) }),
        "reasoning" => ("deepseek-reasoner", new StandInReply { ReasoningChunks = ["Let me ", "think \"hard\"."], TextChunks = ["Answer."] }),
        "tools" => (Model, new StandInReply
        {
            TextChunks = ["Reading both."],
            ToolCalls =
            [
                new StandInToolCall("read_file", """{"target_file":"/src/cart.py","lines":[1,20],"deep":{"a":null,"b":"\"q\" ü\n文字"}}""", "call_A1"),
                new StandInToolCall("grep", """{"pattern":"def add"}""", "call_B2"),
            ],
        }),
        "length" => (Model, StandInReply.FromText("cut") with { FinishReason = "length" }),
        "no-usage" => (Model, StandInReply.FromText("quiet") with { Usage = null }),
        "cached-tokens" => (Model, StandInReply.FromText("cached") with { Usage = new StandInUsage(2048, 9) { CachedTokens = 1920 } }),
        "deepseek-cache-hits" => ("deepseek-chat", StandInReply.FromText("hits") with { Usage = new StandInUsage(2048, 9) { CachedTokens = 1536 } }),
        "minimax-content" => ("MiniMax-M2", new StandInReply { ReasoningChunks = ["Plan: ", "read it."], TextChunks = ["Done."] }),
        "invalid-arguments" => (Model, StandInReply.FromToolCalls(new StandInToolCall("edit_file", """{"target_file": "a.py", oops""", "call_C3"))),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task StreamedUpdatesAreTheOnesMeaiGave(string reply)
    {
        await using var answer = await ScriptedUpstream.StartAsync(reply, answers: 2);

        var expected = await answer.Meai.GetStreamingResponseAsync(Question).ToListAsync();
        var actual = await answer.ReadStreamAsync();

        Assert.Equal(expected.Select(u => Describe(WithDeepSeekCacheHits(u))), actual.Select(Describe));
        // Every update carries its chunk's id (the stand-in's fresh chatcmpl-…, one per answer) as response and message id.
        var id = actual[0].ResponseId;
        Assert.StartsWith("chatcmpl-", id, StringComparison.Ordinal);
        Assert.All(actual, u => Assert.True(u.ResponseId == id && u.MessageId == id));
        Assert.All(actual, u => Assert.Null(u.RawRepresentation));
        // Both asked for usage in the stream, so both saw the same answer.
        Assert.Equal(answer.Upstream.ChatRequests[0].Json?["stream_options"]?.ToJsonString(), answer.Upstream.ChatRequests[1].Json?["stream_options"]?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task WholeResponseIsTheOneMeaiGave(string reply)
    {
        await using var answer = await ScriptedUpstream.StartAsync(reply, answers: 2);

        var expected = await answer.Meai.GetResponseAsync(Question);
        var actual = await answer.ReadWholeAsync();

        Assert.Equal(Describe(WithDeepSeekCacheHits(expected)), Describe(actual));
        Assert.StartsWith("chatcmpl-", actual.ResponseId, StringComparison.Ordinal);
        Assert.Equal(actual.ResponseId, actual.Messages.Single().MessageId);
        Assert.Null(actual.RawRepresentation);
    }

    [Fact]
    public async Task ToolCallsAreParsedOnceTheStreamEnds()
    {
        await using var answer = await ScriptedUpstream.StartAsync("tools");

        var updates = await answer.ReadStreamAsync();

        // Fragments yield nothing of their own; the calls come together in the last update, in index order.
        Assert.All(updates.SkipLast(1), u => Assert.DoesNotContain(u.Contents, c => c is FunctionCallContent));
        var calls = updates[^1].Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["call_A1", "call_B2"], calls.Select(c => c.CallId));
        Assert.Equal("\"q\" ü\n文字", ((JsonElement)calls[0].Arguments!["deep"]!).GetProperty("b").GetString());
        Assert.Null(((JsonElement)calls[0].Arguments!["deep"]!).GetProperty("a").GetString());
        Assert.Equal("def add", ((JsonElement)calls[1].Arguments!["pattern"]!).GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
    }

    [Fact]
    public async Task InvalidToolArgumentsGiveACallWithTheParseFailure()
    {
        await using var answer = await ScriptedUpstream.StartAsync("invalid-arguments");

        var call = (await answer.ReadStreamAsync()).SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();

        Assert.Equal(("call_C3", "edit_file"), (call.CallId, call.Name));
        Assert.Null(call.Arguments);
        var failure = Assert.IsType<InvalidOperationException>(call.Exception);
        Assert.Equal("Error parsing function call arguments.", failure.Message);
        Assert.IsAssignableFrom<JsonException>(failure.InnerException);
    }

    [Fact]
    public async Task DeepSeekCacheHitsAreCachedInputTokens()
    {
        await using var answer = await ScriptedUpstream.StartAsync("deepseek-cache-hits", answers: 2);

        var streamed = (await answer.ReadStreamAsync()).SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        var whole = (await answer.ReadWholeAsync()).Usage!;

        Assert.All([streamed, whole], usage => Assert.Equal((2048L, 9L, 2057L, 1536L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.CachedInputTokenCount)));
    }

    [Fact]
    public async Task EventsSplitAcrossReadsGiveTheSameUpdates()
    {
        await using var answer = await ScriptedUpstream.StartAsync("tools");
        using var response = await PostAsync(answer.Http, answer.ChatUri, answer.Model, stream: true);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        var whole = await OpenAIChatResponseReader.ReadStreamAsync(new MemoryStream(bytes), CancellationToken.None).ToListAsync();
        foreach (var size in (int[])[1, 2, 3, 7, 64])
        {
            // Every split, multi-byte characters and the blank line between events included.
            var (stream, writing) = Trickle(bytes, size);
            var split = await OpenAIChatResponseReader.ReadStreamAsync(stream, CancellationToken.None).ToListAsync();
            await writing;
            Assert.Equal(whole.Select(Describe), split.Select(Describe));
        }
        Assert.Contains(whole, u => u.Text.Contains("Reading", StringComparison.Ordinal));
    }

    /// <summary>The stand-in (on a fake clock) with one scripted reply queued per answer asked for, and a client for it.</summary>
    private sealed class ScriptedUpstream(OpenAIStandIn upstream, string model) : IAsyncDisposable
    {
        public OpenAIStandIn Upstream => upstream;

        public string Model => model;

        public HttpClient Http { get; } = new();

        public Uri ChatUri => new(upstream.ApiBaseUri, "chat/completions");

        public IChatClient Meai => MeaiClient(Http, upstream.ApiBaseUri, model);

        public static async Task<ScriptedUpstream> StartAsync(string reply, int answers = 1)
        {
            var (model, script) = Script(reply);
            var upstream = await OpenAIStandIn.StartAsync(new OpenAIStandInOptions { TimeProvider = new FakeTimeProvider(Now) });
            for (var i = 0; i < answers; i++)
            {
                upstream.Enqueue(script);
            }
            return new ScriptedUpstream(upstream, model);
        }

        public Task<List<ChatResponseUpdate>> ReadStreamAsync() => OpenAIAnswerReading.ReadStreamAsync(Http, ChatUri, model);

        public Task<ChatResponse> ReadWholeAsync() => OpenAIAnswerReading.ReadWholeAsync(Http, ChatUri, model);

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await upstream.DisposeAsync();
        }
    }

#pragma warning disable SCME0001 // JsonPatch: how the proxy's compatibility client read DeepSeek's field from the SDK's usage.
    /// <summary>
    /// M.E.AI's update with DeepSeek's <c>prompt_cache_hit_tokens</c> as its cached input tokens, as the proxy's
    /// compatibility client added them from the SDK's usage: what the proxy saw until the reader took that over.
    /// </summary>
    private static ChatResponseUpdate WithDeepSeekCacheHits(ChatResponseUpdate update)
    {
        if (update.RawRepresentation is OpenAIChat.StreamingChatCompletionUpdate { Usage: { } raw })
        {
            foreach (var usage in update.Contents.OfType<UsageContent>())
            {
                AddCacheHits(usage.Details, raw);
            }
        }
        return update;
    }

    private static ChatResponse WithDeepSeekCacheHits(ChatResponse response)
    {
        if (response.Usage is { } usage && response.RawRepresentation is OpenAIChat.ChatCompletion { Usage: { } raw })
        {
            AddCacheHits(usage, raw);
        }
        return response;
    }

    private static void AddCacheHits(UsageDetails usage, OpenAIChat.ChatTokenUsage raw)
    {
        if (usage.CachedInputTokenCount is null && raw.Patch.TryGetValue("$.prompt_cache_hit_tokens"u8, out long hits))
        {
            usage.CachedInputTokenCount = hits;
        }
    }
#pragma warning restore SCME0001
}
