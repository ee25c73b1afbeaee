using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Providers.OpenAI;
using Microsoft.Extensions.AI;
using Xunit.Abstractions;
using static CursorAspire.Proxy.Tests.Providers.OpenAI.OpenAIAnswerDescriptions;
using static CursorAspire.Proxy.Tests.Providers.OpenAI.OpenAIAnswerReading;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy's reader of OpenAI-compatible answers (<see cref="OpenAIChatResponseReader"/>) on answers the OpenAI stand-in
/// does not script (its error line is Ollama's only), served as raw bytes by a tiny Kestrel (<see cref="RawAnswerServer"/>)
/// or read from memory: other servers' extras, cut streams, errors inside a 200, reads that stop at <c>[DONE]</c>, and what
/// a chunk allocates, against M.E.AI's OpenAI client where it has an answer.
/// </summary>
public sealed class OpenAIRawAnswerTests(ITestOutputHelper output)
{
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
}
