using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Providers.OpenAI;
using OpenAI;
using Xunit.Abstractions;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy's own reader of OpenAI-compatible answers (<see cref="OpenAIChatResponseReader"/>) against M.E.AI's OpenAI
/// client over the OpenAI SDK: for the same answer on real HTTP it gives the same updates and responses (ids, times,
/// model, role, finish reason, text, reasoning, tool calls, refusal, usage), streamed and whole; where it deliberately
/// differs (an error inside a 200), the test says so.
/// </summary>
public sealed class OpenAIChatResponseReaderTests(ITestOutputHelper output)
{
    private const string Model = "gpt-4o-mini";

    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-07T05:00:00Z", CultureInfo.InvariantCulture);

    private static readonly Microsoft.Extensions.AI.ChatMessage[] Question = [new(ChatRole.User, "look")];

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
        var (model, script) = Script(reply);
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();

        upstream.Enqueue(script);
        var expected = await MeaiClient(http, upstream.ApiBaseUri, model).GetStreamingResponseAsync(Question).ToListAsync();
        upstream.Enqueue(script);
        var actual = await ReadStreamAsync(http, new Uri(upstream.ApiBaseUri, "chat/completions"), model);

        Assert.Equal(expected.Select(u => Describe(WithDeepSeekCacheHits(u))), actual.Select(Describe));
        // Every update carries its chunk's id (the stand-in's fresh chatcmpl-…, one per answer) as response and message id.
        var id = actual[0].ResponseId;
        Assert.StartsWith("chatcmpl-", id, StringComparison.Ordinal);
        Assert.All(actual, u => Assert.True(u.ResponseId == id && u.MessageId == id));
        Assert.All(actual, u => Assert.Null(u.RawRepresentation));
        // Both asked for usage in the stream, so both saw the same answer.
        Assert.Equal(upstream.ChatRequests[0].Json?["stream_options"]?.ToJsonString(), upstream.ChatRequests[1].Json?["stream_options"]?.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public async Task WholeResponseIsTheOneMeaiGave(string reply)
    {
        var (model, script) = Script(reply);
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();

        upstream.Enqueue(script);
        var expected = await MeaiClient(http, upstream.ApiBaseUri, model).GetResponseAsync(Question);
        upstream.Enqueue(script);
        var actual = await ReadWholeAsync(http, new Uri(upstream.ApiBaseUri, "chat/completions"), model);

        Assert.Equal(Describe(WithDeepSeekCacheHits(expected)), Describe(actual));
        Assert.StartsWith("chatcmpl-", actual.ResponseId, StringComparison.Ordinal);
        Assert.Equal(actual.ResponseId, actual.Messages.Single().MessageId);
        Assert.Null(actual.RawRepresentation);
    }

    [Fact]
    public async Task ToolCallsAreParsedOnceTheStreamEnds()
    {
        var (model, script) = Script("tools");
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();
        upstream.Enqueue(script);

        var updates = await ReadStreamAsync(http, new Uri(upstream.ApiBaseUri, "chat/completions"), model);

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
        var (model, script) = Script("invalid-arguments");
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();
        upstream.Enqueue(script);

        var call = (await ReadStreamAsync(http, new Uri(upstream.ApiBaseUri, "chat/completions"), model)).SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();

        Assert.Equal(("call_C3", "edit_file"), (call.CallId, call.Name));
        Assert.Null(call.Arguments);
        var failure = Assert.IsType<InvalidOperationException>(call.Exception);
        Assert.Equal("Error parsing function call arguments.", failure.Message);
        Assert.IsAssignableFrom<JsonException>(failure.InnerException);
    }

    [Fact]
    public async Task DeepSeekCacheHitsAreCachedInputTokens()
    {
        var (model, script) = Script("deepseek-cache-hits");
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();
        var uri = new Uri(upstream.ApiBaseUri, "chat/completions");
        upstream.Enqueue(script);
        upstream.Enqueue(script);

        var streamed = (await ReadStreamAsync(http, uri, model)).SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        var whole = (await ReadWholeAsync(http, uri, model)).Usage!;

        Assert.All([streamed, whole], usage => Assert.Equal((2048L, 9L, 2057L, 1536L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.CachedInputTokenCount)));
    }

    // Answers the stand-in does not script (its error line is Ollama's only), served as raw bytes by a tiny Kestrel.

    private const string Opening = """data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","created":1796619600,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}""";

    private static string Chunk(string delta, string finish = "null") =>
        $$"""data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","created":1796619600,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{{delta}},"finish_reason":{{finish}}}]}""";

    private static string Sse(params string[] lines) => string.Join("\n\n", lines) + "\n\n";

    [Fact]
    public async Task ErrorEventMidStreamRaisesTheUpstreamsWords()
    {
        const string Error = """data: {"error":{"message":"The model ran out of memory","type":"server_error","param":null,"code":503}}""";
        await using var server = await RawAnswerServer.StartAsync(Sse(Opening, Chunk("""{"content":"Hel"}"""), Error));
        using var http = new HttpClient();

        // M.E.AI over the SDK read the error as an empty chunk and ended the answer as if it were complete …
        var meai = await MeaiClient(http, server.ApiBaseUri, Model).GetStreamingResponseAsync(Question).ToListAsync();
        Assert.Equal("Hel", string.Concat(meai.Select(u => u.Text)));
        Assert.Empty(meai[^1].Contents);
        Assert.Null(meai[^1].ResponseId);

        // … the proxy's reader says the upstream failed, in its words (a deliberate change, as for Ollama's error line).
        using var response = await PostAsync(http, server.ChatUri, Model, stream: true);
        await using var body = await response.Content.ReadAsStreamAsync();
        var updates = new List<ChatResponseUpdate>();
        var error = await Assert.ThrowsAsync<UpstreamStreamException>(async () =>
        {
            await foreach (var update in OpenAIChatResponseReader.ReadStreamAsync(body, CancellationToken.None))
            {
                updates.Add(update);
            }
        });
        Assert.Equal("Hel", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal("The model ran out of memory (server_error)", error.Message);
        Assert.Equal(("server_error", "503"), (error.ErrorType, error.Code));
        var mapped = UpstreamErrors.Map(error, "vllm", Model);
        Assert.Equal(502, mapped.StatusCode);
        Assert.Equal("Provider 'vllm' failed for model 'gpt-4o-mini': The model ran out of memory (server_error)", mapped.Message);
    }

    [Fact]
    public async Task WholeAnswerThatIsAnErrorRaisesTheUpstreamsWords()
    {
        await using var server = await RawAnswerServer.StartAsync("""{"error":"upstream provider timed out"}""", "application/json");
        using var http = new HttpClient();

        var error = await Assert.ThrowsAsync<UpstreamStreamException>(() => ReadWholeAsync(http, server.ChatUri, Model));

        Assert.Equal("upstream provider timed out", error.Message);
    }

    public static TheoryData<string> RawStreams => new()
    {
        // Keep-alive comments, event: lines and an id: line between the chunks (OpenRouter sends ": OPENROUTER PROCESSING").
        Sse(": OPENROUTER PROCESSING", Opening, ": ping", "event: message\n" + Chunk("""{"content":"Hi"}"""), "id: 7\n" + Chunk("{}", "\"stop\""), "data: [DONE]"),
        // Fields nobody reads, at every level, objects and arrays among them.
        Sse(
            """data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","x_groq":{"id":"req_1","usage":{"queue_time":0.1}},"created":1796619600,"model":"gpt-4o-mini","provider":"Together","choices":[{"index":0,"delta":{"role":"assistant","content":"A","annotations":[],"audio_meta":{"a":[1,{"b":null}]}},"logprobs":{"content":[{"token":"A","logprob":-0.1,"bytes":[65],"top_logprobs":[]}]},"finish_reason":null,"stop_reason":null,"matched_stop":42}],"system_fingerprint":"fp_x","service_tier":"default"}""",
            Chunk("{}", "\"stop\""),
            """data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","created":1796619600,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6,"prompt_tokens_details":null,"completion_tokens_details":{"reasoning_tokens":3,"unknown_tokens":1},"cost":0.0001}}""",
            "data: [DONE]"),
        // Cut before [DONE], right after the finish (a server that closes without it).
        Sse(Opening, Chunk("""{"content":"Hello"}"""), Chunk("{}", "\"stop\"")),
        // Cut before [DONE] with a tool call pending, and the last event without its blank line.
        Sse(Opening, Chunk("""{"tool_calls":[{"index":0,"id":"call_X","type":"function","function":{"name":"grep","arguments":"{\"pattern\""}}]}"""))
            + Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":":\"a\"}"}}]}"""),
        // A refusal with no tool call (M.E.AI dropped it), then one with a call (reported next to it); the index after the function.
        Sse(Opening, Chunk("""{"refusal":"I can't"}"""), Chunk("""{"tool_calls":[{"function":{"name":"ls","arguments":"{}"},"id":"call_Y","index":3}]}"""), Chunk("""{"refusal":" do that"}""", "\"tool_calls\""), "data: [DONE]"),
        // A call with no arguments at all, one with a blank name (dropped), content as an array of parts, two choices.
        Sse(
            Opening,
            Chunk("""{"tool_calls":[{"index":0,"id":"call_Z","function":{"name":"noop","arguments":""}},{"index":1,"id":"call_W","function":{"name":" ","arguments":"{}"}}]}"""),
            Chunk("""{"content":[{"type":"text","text":"part"}]}"""),
            """data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","created":1796619600,"model":"gpt-4o-mini","choices":[{"index":0,"delta":{"content":"first"},"finish_reason":null},{"index":1,"delta":{"content":"second"},"finish_reason":"stop"}]}""",
            "data: [DONE]"),
        // Chunks without created or model, a role in any case, and the finish reasons OpenAI's API names.
        Sse(
            """data: {"id":"chatcmpl-raw2","choices":[{"index":0,"delta":{"role":"Assistant","content":"x"},"finish_reason":null}]}""",
            """data: {"id":"chatcmpl-raw2","model":"","choices":[{"index":0,"delta":{"content":"y"},"finish_reason":"CONTENT_FILTER"}]}""",
            "data: [DONE]"),
    };

    [Theory]
    [MemberData(nameof(RawStreams))]
    public async Task RawStreamsGiveTheUpdatesMeaiGave(string stream)
    {
        await using var server = await RawAnswerServer.StartAsync(stream);
        using var http = new HttpClient();

        var expected = await MeaiClient(http, server.ApiBaseUri, Model).GetStreamingResponseAsync(Question).ToListAsync();
        var actual = await ReadStreamAsync(http, server.ChatUri);

        Assert.NotEmpty(actual);
        Assert.Equal(expected.Select(Describe), actual.Select(Describe));
        Assert.Equal(expected.Select(u => u.ResponseId), actual.Select(u => u.ResponseId));
    }

    public static TheoryData<string> RawWholes => new()
    {
        // A refusal next to tool calls, no content, unknown fields everywhere, usage details in the other order.
        """{"id":"chatcmpl-w1","object":"chat.completion","created":1796619600,"model":"gpt-4o-mini","x":{"y":[1]},"choices":[{"index":0,"logprobs":null,"message":{"role":"assistant","content":null,"reasoning_content":null,"refusal":"Not that one.","tool_calls":[{"id":"call_1","type":"function","function":{"name":"grep","arguments":"{\"pattern\":\"a\\\"b\"}"}},{"id":"call_2","type":"function","function":{"name":"","arguments":"{}"}},{"id":"call_3","type":"function","function":{"name":"ls","arguments":"null"}}],"annotations":[]},"finish_reason":"tool_calls","stop_reason":null}],"usage":{"completion_tokens_details":{"reasoning_tokens":4,"audio_tokens":1},"prompt_tokens_details":{"audio_tokens":2},"prompt_tokens":9,"completion_tokens":6,"total_tokens":15}}""",
        // Empty content, a finish reason in capitals, reasoning, no usage, two choices.
        """{"id":"chatcmpl-w2","object":"chat.completion","created":1796619601,"model":"qwen3","choices":[{"index":0,"message":{"role":"assistant","content":"","reasoning_content":"Hm."},"finish_reason":"LENGTH"},{"index":1,"message":{"role":"assistant","content":"other"},"finish_reason":"stop"}]}""",
    };

    [Theory]
    [MemberData(nameof(RawWholes))]
    public async Task RawWholeAnswersGiveTheResponseMeaiGave(string answer)
    {
        await using var server = await RawAnswerServer.StartAsync(answer, "application/json");
        using var http = new HttpClient();

        var expected = await MeaiClient(http, server.ApiBaseUri, Model).GetResponseAsync(Question);
        var actual = await ReadWholeAsync(http, server.ChatUri, Model);

        Assert.Equal(Describe(expected), Describe(actual));
        Assert.Equal(expected.ResponseId, actual.ResponseId);
    }

    [Fact]
    public async Task EventsSplitAcrossReadsGiveTheSameUpdates()
    {
        var (model, script) = Script("tools");
        await using var upstream = await StartStandInAsync();
        using var http = new HttpClient();
        upstream.Enqueue(script);
        using var response = await PostAsync(http, new Uri(upstream.ApiBaseUri, "chat/completions"), model, stream: true);
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

    [Fact]
    public async Task ReadingStopsAtDone()
    {
        // Nothing after [DONE] is read: a server that keeps its connection open after it (or writes more) does not hold
        // the answer. The connection stays open here; reading on would wait for it, or fail on the event after [DONE].
        var body = Encoding.UTF8.GetBytes(Sse(Opening, Chunk("{}", "\"stop\""), "data: [DONE]", "data: not json"));
        var (stream, _) = Trickle(body, body.Length, complete: false);

        var updates = await OpenAIChatResponseReader.ReadStreamAsync(stream, CancellationToken.None).ToListAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(2, updates.Count);
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task AChunkAllocatesLittleBeyondItsUpdate()
    {
        var (ours50, ours100) = (await OursAllocatedAsync(50), await OursAllocatedAsync(100));
        var (sdk50, sdk100) = (await MeaiAllocatedAsync(50), await MeaiAllocatedAsync(100));
        var ours = (ours100 - ours50) / 50.0;
        var sdk = (sdk100 - sdk50) / 50.0;
        output.WriteLine($"allocated per text chunk: reader {ours:F0} B, SDK + M.E.AI {sdk:F0} B");

        // The update, its contents list and array, the text content and the text's string: a few hundred bytes.
        Assert.InRange(ours, 1, 400);
        Assert.True(ours * 5 < sdk, $"reader {ours:F0} B per chunk, SDK + M.E.AI {sdk:F0} B");
    }

    /// <summary>A streamed answer of <paramref name="chunks"/> text chunks as OpenAI writes it.</summary>
    private static byte[] TextStream(int chunks) => Encoding.UTF8.GetBytes(Sse([
        Opening,
        .. Enumerable.Range(0, chunks).Select(i => Chunk($$"""{"content":"token {{i % 10}} "}""")),
        Chunk("{}", "\"stop\""),
        """data: {"id":"chatcmpl-raw1","object":"chat.completion.chunk","created":1796619600,"model":"gpt-4o-mini","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}""",
        "data: [DONE]",
    ]));

    private static async Task<long> OursAllocatedAsync(int chunks)
    {
        var bytes = TextStream(chunks);
        await OpenAIChatResponseReader.ReadStreamAsync(new MemoryStream(bytes), CancellationToken.None).CountAsync(); // warm
        var before = GC.GetAllocatedBytesForCurrentThread();
        // A MemoryStream completes every read synchronously: everything runs on this thread.
        var count = await OpenAIChatResponseReader.ReadStreamAsync(new MemoryStream(bytes), CancellationToken.None).CountAsync();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(chunks + 3, count);
        return allocated;
    }

    private static async Task<long> MeaiAllocatedAsync(int chunks)
    {
        var bytes = TextStream(chunks);
        using var http = new HttpClient(new CannedAnswerHandler(bytes));
        var client = MeaiClient(http, new Uri("http://127.0.0.1/v1/"), Model);
        await client.GetStreamingResponseAsync(Question).CountAsync(); // warm
        var before = GC.GetAllocatedBytesForCurrentThread();
        var count = await client.GetStreamingResponseAsync(Question).CountAsync();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(chunks + 3, count);
        return allocated;
    }

    private static Task<OpenAIStandIn> StartStandInAsync() =>
        OpenAIStandIn.StartAsync(new OpenAIStandInOptions { TimeProvider = new FakeTimeProvider(Now) });

    private static IChatClient MeaiClient(HttpClient http, Uri apiBase, string model) =>
        new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = apiBase, Transport = new HttpClientPipelineTransport(http) })
            .GetChatClient(model).AsIChatClient();

    private static async Task<HttpResponseMessage> PostAsync(HttpClient http, Uri uri, string model, bool stream)
    {
        var body = new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "look" }),
        };
        if (stream)
        {
            body["stream"] = true;
            body["stream_options"] = new JsonObject { ["include_usage"] = true };
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        return response;
    }

    private static async Task<List<ChatResponseUpdate>> ReadStreamAsync(HttpClient http, Uri uri, string model = Model)
    {
        using var response = await PostAsync(http, uri, model, stream: true);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await OpenAIChatResponseReader.ReadStreamAsync(body, CancellationToken.None).ToListAsync();
    }

    private static async Task<ChatResponse> ReadWholeAsync(HttpClient http, Uri uri, string model)
    {
        using var response = await PostAsync(http, uri, model, stream: false);
        await using var body = await response.Content.ReadAsStreamAsync();
        return await OpenAIChatResponseReader.ReadWholeAsync(body, CancellationToken.None);
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

    /// <summary>Everything an update carries but its id (random per answer) and its raw representation.</summary>
    private static string Describe(ChatResponseUpdate update) =>
        $"{update.Role}|{update.FinishReason}|{update.ModelId}|{update.CreatedAt:o}|{update.ResponseId is null}|{update.MessageId == update.ResponseId}|"
        + $"{update.ConversationId}|{update.AuthorName}|{Properties(update.AdditionalProperties)}|{Contents(update.Contents)}";

    private static string Describe(ChatResponse response)
    {
        var message = response.Messages.Single();
        return $"{message.Role}|{message.CreatedAt:o}|{message.MessageId == response.ResponseId}|{message.AuthorName}|{Contents(message.Contents)}|"
            + $"{response.FinishReason}|{response.ModelId}|{response.CreatedAt:o}|{response.ConversationId}|{Properties(response.AdditionalProperties)}|{Usage(response.Usage)}";
    }

    private static string Properties(AdditionalPropertiesDictionary? properties) =>
        properties is null ? "-" : string.Join(",", properties.Select(p => $"{p.Key}={p.Value}"));

    private static string Usage(UsageDetails? usage) => usage is null ? "-"
        : $"{usage.InputTokenCount}/{usage.OutputTokenCount}/{usage.TotalTokenCount}/cached {usage.CachedInputTokenCount}/reasoning {usage.ReasoningTokenCount}/"
          + (usage.AdditionalCounts is null ? "-" : string.Join(",", usage.AdditionalCounts.Select(p => $"{p.Key}={p.Value}")));

    private static string Contents(IEnumerable<AIContent> contents) => string.Join(";", contents.Select(c => c switch
    {
        TextContent text => $"text:{text.Text}|{Properties(text.AdditionalProperties)}",
        TextReasoningContent reasoning => $"reasoning:{reasoning.Text}",
        FunctionCallContent call => $"call:{call.CallId}:{call.Name}:{(call.Arguments is null ? "null" : JsonSerializer.Serialize(call.Arguments))}:{call.Exception?.GetType().Name}:{call.Exception?.Message}:{call.Exception?.InnerException is JsonException}",
        UsageContent usage => $"usage:{Usage(usage.Details)}",
        ErrorContent error => $"error:{error.Message}:{error.ErrorCode}",
        _ => c.GetType().Name,
    }));

    /// <summary>
    /// A stream that hands out <paramref name="bytes"/> <paramref name="size"/> at a time: each piece waits until the reader
    /// has taken the one before, so every read sees exactly one piece, as from a slow network.
    /// </summary>
    private static (Stream Stream, Task Writing) Trickle(byte[] bytes, int size, bool complete = true)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var writing = Task.Run(async () =>
        {
            for (var offset = 0; offset < bytes.Length; offset += size)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
            }
            if (complete)
            {
                await pipe.Writer.CompleteAsync();
            }
        });
        return (pipe.Reader.AsStream(), writing);
    }

    /// <summary>Answers every request with the same SSE bytes, at once (the allocation comparison's upstream, no sockets).</summary>
    private sealed class CannedAnswerHandler(byte[] answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new ByteArrayContent(answer);
            content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request });
        }
    }

    /// <summary>A tiny Kestrel on loopback that answers <c>POST /v1/chat/completions</c> with the given bytes, flushed event by event.</summary>
    private sealed class RawAnswerServer(WebApplication app, Uri baseUri) : IAsyncDisposable
    {
        public Uri ApiBaseUri { get; } = new(baseUri, "v1/");

        public Uri ChatUri => new(ApiBaseUri, "chat/completions");

        public static async Task<RawAnswerServer> StartAsync(string body, string contentType = "text/event-stream; charset=utf-8")
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapPost("/v1/chat/completions", async context =>
            {
                context.Response.ContentType = contentType;
                var pieces = body.Split("\n\n");
                for (var i = 0; i < pieces.Length; i++)
                {
                    await context.Response.WriteAsync(i < pieces.Length - 1 ? pieces[i] + "\n\n" : pieces[i], context.RequestAborted);
                    await context.Response.Body.FlushAsync(context.RequestAborted);
                }
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new RawAnswerServer(app, new Uri(address + "/"));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
