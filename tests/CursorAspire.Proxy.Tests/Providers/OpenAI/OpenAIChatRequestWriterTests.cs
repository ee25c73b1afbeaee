using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using CommunityToolkit.HighPerformance.Buffers;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Providers.OpenAI;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAIChat = OpenAI.Chat;

using static CursorAspire.Proxy.Tests.Providers.OpenAI.OpenAIChatRequestCases;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The proxy's own Chat Completions body (<see cref="OpenAIChatRequestWriter"/>) is, byte for byte, what M.E.AI's OpenAI
/// client and the OpenAI SDK send for the same messages and options, with what the compatibility client added to them
/// (<c>prompt_cache_key</c> through the SDK options' JSON patch, <c>reasoning_content</c> on the SDK's own assistant
/// message): both go over loopback HTTP to the OpenAI stand-in, which records them, and the recorded bodies are compared.
/// One difference is on purpose: each tool's schema goes without the indentation M.E.AI gives it, so a body with tools
/// is compared token by token (<see cref="AssertSameBody"/>).
/// </summary>
public sealed class OpenAIChatRequestWriterTests : IAsyncLifetime
{
    private const string Model = "gpt-4o-mini";

    private OpenAIStandIn _upstream = null!;
    /// <summary>One connection pool for both sides (each row's stand-in has its own port).</summary>
    private static readonly HttpClient Http = new();

    public async Task InitializeAsync() => _upstream = await OpenAIStandIn.StartAsync();

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    /// <summary>Every row's name; <see cref="Case"/> builds its messages, options, stream flag and cache key.</summary>
    public static TheoryData<string> Cases => [.. Names];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task TheBodyIsTheBytesMEAIAndTheSDKSend(string name)
    {
        var expected = await SendThroughMEAIAsync(Case(name));
        var actual = await SendWrittenAsync(Case(name));
        AssertSameBody(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ProviderToolSets.Modes), MemberType = typeof(ProviderToolSets))]
    public async Task EveryToolModeIsTheBytesMEAISends(string mode)
    {
        foreach (var stream in new[] { false, true })
        {
            RequestCase Build() => new([new(ChatRole.User, "look")], ProviderToolSets.Options(mode), stream, "cursoraspire-k");
            var expected = await SendThroughMEAIAsync(Build());
            AssertSameBody(expected, await SendWrittenAsync(Build()));
        }
    }

    /// <summary>
    /// The OpenAI golden bodies (what the proxy sent through M.E.AI for Cursor's fixtures), read back into M.E.AI's
    /// messages and options by the proxy's own Chat Completions reader, come out of the writer as the same bytes.
    /// </summary>
    [Theory]
    [InlineData("openai.agent-chat-tools-multiturn.streamed.json")]
    [InlineData("openai.agent-chat-tools-multiturn.whole.json")]
    [InlineData("openai.anthropic-shaped-agent-loop.streamed.json")]
    [InlineData("openai.responses-shaped-agent.streamed.json")]
    public void TheGoldenBodiesReadBackAreWrittenAsThemselves(string golden)
    {
        var bytes = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "upstream-requests", golden));
        using var document = JsonDocument.Parse(bytes);
        var root = document.RootElement;
        var request = ChatCompletionsRequestReader.Read(root);
        request.Options.ModelId = root.GetProperty("model").GetString();

        var written = Written(new RequestCase(request.Messages, request.Options, request.Stream, root.GetProperty("prompt_cache_key").GetString()));

        Assert.Equal(bytes, written);
    }

    [Fact]
    public void EachDeclarationIsWrittenOnceAndItsBytesKept()
    {
        var declaration = AIFunctionFactory.CreateDeclaration("grep", "Search.", JsonElement.Parse("""{"type":"object","properties":{"q":{"type":"string"}}}"""));
        var first = OpenAIToolDeclarations.Of(declaration, strict: null);
        Assert.Same(first, OpenAIToolDeclarations.Of(declaration, strict: null));
        // An options-level strict flag is kept beside it, once too, and differs (M.E.AI's strict schema).
        var strict = OpenAIToolDeclarations.Of(declaration, strict: true);
        Assert.Same(strict, OpenAIToolDeclarations.Of(declaration, strict: true));
        Assert.NotEqual(Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(strict));

        // Two requests with the same declarations: the same bytes, and the kept ones are what the body holds.
        var options = new ChatOptions { Tools = [declaration] };
        var once = Written(new RequestCase([new(ChatRole.User, "hi")], options, false, null));
        var twice = Written(new RequestCase([new(ChatRole.User, "hi")], options, false, null));
        Assert.Equal(once, twice);
        Assert.Contains(Encoding.UTF8.GetString(first), once, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMessageToSendIsRefusedAsTheSDKRefusesIt()
    {
        // A tool message without a result makes no message, so nothing is left to send.
        ChatMessage[] messages = [new(ChatRole.Tool, [new TextContent("orphan")])];
        using var client = MEAIClient();
        var sdk = await Assert.ThrowsAnyAsync<ArgumentException>(() => client.GetResponseAsync(messages));
        var ours = Assert.ThrowsAny<ArgumentException>(() => Written(new RequestCase(messages, null, false, null)));
        Assert.Equal(sdk.ParamName, ours.ParamName);
    }

    [Fact]
    public void AnAgentTurnIsWrittenWithoutAllocating()
    {
        // Cursor's agent turn as the proxy holds it: system, user, assistant text and calls with parsed arguments, string
        // results, a dozen kept tools, the model and cache key. Measured after a warm-up, on this thread (the writer and
        // its scratch buffer are per thread). What still allocates is rare: results that are not text, several
        // reasoning or text pieces joined, an SDK-only part, a JSON-schema format.
        var request = Case("agent-turn");
        using var body = new ArrayPoolBufferWriter<byte>(64 * 1024);
        OpenAIChatRequestWriter.Write(body, request.Messages, request.Options, Model, request.Stream, request.Key);
        body.Clear();

        var before = GC.GetAllocatedBytesForCurrentThread();
        OpenAIChatRequestWriter.Write(body, request.Messages, request.Options, Model, request.Stream, request.Key);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(body.WrittenCount > 4000, $"{body.WrittenCount} bytes written");
        Assert.True(allocated == 0, $"{allocated} bytes allocated for a {body.WrittenCount}-byte body");
    }

    /// <summary>
    /// Our body holds M.E.AI's JSON tokens, each with the same bytes, in the same order, and no whitespace between them
    /// (M.E.AI indents each tool's schema); where M.E.AI's body has no whitespace either (no tools), they are the same bytes.
    /// </summary>
    private static void AssertSameBody(RecordedRequest expected, RecordedRequest actual)
    {
        var (expectedTokens, expectedSpaced) = Tokens(expected.BodyBytes.Span);
        var (actualTokens, actualSpaced) = Tokens(actual.BodyBytes.Span);
        Assert.Equal(expectedTokens, actualTokens);
        Assert.Equal(0, actualSpaced);
        Assert.DoesNotContain((byte)'\n', actual.BodyBytes.ToArray());
        if (expectedSpaced == 0)
        {
            Assert.Equal(expected.Body, actual.Body);
        }
    }

    /// <summary>The body's tokens (type and raw bytes) and how many of them follow whitespace.</summary>
    private static (List<string> Tokens, int Spaced) Tokens(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var tokens = new List<string>();
        var spaced = 0;
        while (reader.Read())
        {
            tokens.Add($"{reader.TokenType} {Encoding.UTF8.GetString(reader.ValueSpan)}");
            spaced += reader.TokenStartIndex > 0 && json[(int)reader.TokenStartIndex - 1] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t' ? 1 : 0;
        }
        return (tokens, spaced);
    }

    /// <summary>The expected bytes: M.E.AI's client as the compatibility client drove it (its cache-key patch and reasoning message), recorded by the stand-in.</summary>
    private async Task<RecordedRequest> SendThroughMEAIAsync(RequestCase request)
    {
        using var client = MEAIClient();
        var options = request.Options;
        if (request.Key is { } key)
        {
            options = (options ?? new ChatOptions()).Clone();
            var previous = options.RawRepresentationFactory;
            options.RawRepresentationFactory = c =>
            {
                var raw = previous?.Invoke(c) as OpenAIChat.ChatCompletionOptions ?? new OpenAIChat.ChatCompletionOptions();
#pragma warning disable SCME0001
                raw.Patch.Set("$.prompt_cache_key"u8, key);
#pragma warning restore SCME0001
                return raw;
            };
        }
        var messages = request.Messages.Select(m => m.Role == ChatRole.Assistant && m.Contents.Any(c => c is TextReasoningContent) ? WithReasoningContent(m) : m).ToList();
        var count = _upstream.ChatRequests.Count;
        if (request.Stream)
        {
            await foreach (var update in client.GetStreamingResponseAsync(messages, options))
            {
                _ = update;
            }
        }
        else
        {
            await client.GetResponseAsync(messages, options);
        }
        Assert.Equal(count + 1, _upstream.ChatRequests.Count);
        return _upstream.ChatRequests[^1];
    }

    /// <summary>How the compatibility client serialized arguments and reasoning for its raw message: compact, relaxed escaping.</summary>
    private static readonly JsonSerializerOptions CompactRelaxed = new(AIJsonUtilities.DefaultOptions)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    /// <summary>The compatibility client's reasoning message as it stood before the writer (its <c>WithReasoningContent</c>).</summary>
    private static ChatMessage WithReasoningContent(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => OpenAIChat.ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(c.Arguments ?? new Dictionary<string, object?>(), CompactRelaxed))))
            .ToList();
        var raw = calls.Count > 0 ? new OpenAIChat.AssistantChatMessage(calls) : new OpenAIChat.AssistantChatMessage(string.Empty);
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0)
        {
            raw.Content.Clear();
            raw.Content.Add(OpenAIChat.ChatMessageContentPart.CreateTextPart(text));
        }
        var reasoning = string.Join("\n", message.Contents.OfType<TextReasoningContent>().Select(r => r.Text).Where(t => t.Length > 0));
#pragma warning disable SCME0001
        raw.Patch.Set("$.reasoning_content"u8, JsonSerializer.SerializeToUtf8Bytes(reasoning, CompactRelaxed).AsSpan());
#pragma warning restore SCME0001
        return new ChatMessage(ChatRole.Assistant, message.Contents) { RawRepresentation = raw, AuthorName = message.AuthorName };
    }

    private IChatClient MEAIClient() =>
        new OpenAIClient(new ApiKeyCredential("k"), new OpenAIClientOptions { Endpoint = _upstream.ApiBaseUri, Transport = new HttpClientPipelineTransport(Http) })
            .GetChatClient(Model).AsIChatClient();

    /// <summary>The writer's bytes for the same request, sent to the stand-in the way the proxy's client sends them.</summary>
    private async Task<RecordedRequest> SendWrittenAsync(RequestCase request)
    {
        var body = new ArrayPoolBufferWriter<byte>(16 * 1024);
        OpenAIChatRequestWriter.Write(body, request.Messages, request.Options, Model, request.Stream, request.Key);
        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(_upstream.ApiBaseUri, "chat/completions")) { Content = new PooledJsonContent(body) };
        post.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "k");
        var count = _upstream.ChatRequests.Count;
        using var response = await Http.SendAsync(post);
        var answer = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, answer);
        Assert.Equal(count + 1, _upstream.ChatRequests.Count);
        return _upstream.ChatRequests[^1];
    }

    private static string Written(RequestCase request)
    {
        using var body = new ArrayPoolBufferWriter<byte>();
        OpenAIChatRequestWriter.Write(body, request.Messages, request.Options, Model, request.Stream, request.Key);
        return Encoding.UTF8.GetString(body.WrittenSpan);
    }
}
