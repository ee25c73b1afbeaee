using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net.Http.Headers;
using CommunityToolkit.HighPerformance.Buffers;
using CursorAspire.Proxy.Providers.Http;
using CursorAspire.Proxy.Providers.OpenAI;
using CursorAspire.Proxy.Wire.ChatCompletions;
using CursorAspire.Proxy.Wire.Json;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAIChat = OpenAI.Chat;

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
    public static TheoryData<string> Cases => [.. CaseBuilders.Keys];

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

    private sealed record RequestCase(IList<ChatMessage> Messages, ChatOptions? Options, bool Stream, string? Key);

    private static RequestCase Case(string name) => CaseBuilders[name]();

    private static readonly JsonElement Schema = JsonElement.Parse("""{"type":"object","properties":{"answer":{"type":"string"},"n":{"type":"integer"}},"required":["answer"]}""");

    /// <summary>Text that takes every escaping path: non-ASCII, emoji, HTML-sensitive characters, quotes, controls, a lone surrogate.</summary>
    private const string Awkward = "café 日本 🙂 <b>&'+\"\\ \u0001\u001f\t\r\n\u007f\u2028 \ud800 end";

    private static FunctionCallContent Call(string id, string name, string arguments) => ToolArguments.ToFunctionCall(id, name, arguments);

    private static readonly Dictionary<string, Func<RequestCase>> CaseBuilders = new()
    {
        ["user-only"] = () => new([new(ChatRole.User, "hello")], null, false, null),
        ["user-only-streamed"] = () => new([new(ChatRole.User, "hello")], null, true, null),
        ["system-user-assistant-key"] = () => new(
            [new(ChatRole.System, "You are Cursor."), new(ChatRole.User, "hi"), new(ChatRole.Assistant, "hello"), new(ChatRole.User, "more")],
            new ChatOptions { ModelId = "gpt-4.1" }, true, "cursoraspire-0123abcd"),
        ["instructions"] = () => new([new(ChatRole.User, "hi")], new ChatOptions { Instructions = "Be brief." }, false, null),
        ["blank-instructions"] = () => new([new(ChatRole.User, "hi")], new ChatOptions { Instructions = "  " }, false, null),
        ["author-names"] = () => new(
            [
                new(ChatRole.System, "s") { AuthorName = "ops" },
                new(ChatRole.User, "a") { AuthorName = "Alice Smith!" },
                new(ChatRole.User, "b") { AuthorName = new string('x', 70) },
                new(ChatRole.User, "c") { AuthorName = "!!!" },
                new(ChatRole.User, "d") { AuthorName = "" },
                new(ChatRole.Assistant, "e") { AuthorName = "bot_1" },
            ], null, false, null),
        ["multi-part-text"] = () => new([new(ChatRole.User, [new TextContent("one"), new TextContent("two")])], null, false, null),
        ["empty-user"] = () => new([new(ChatRole.User, [])], null, false, null),
        ["images"] = () => new(
            [
                new(ChatRole.User,
                [
                    new TextContent("what is this?"),
                    new DataContent(Enumerable.Range(0, 3000).Select(i => (byte)i).ToArray(), "image/png"),
                    new DataContent("data:image/jpeg;base64,/9j/4AAQSkZJRg=="),
                    new UriContent(new Uri("https://example.com/a b/é.png?q=1&r=<2>"), "image/*"),
                    new UriContent(new Uri("https://example.com/x.png"), "image/png") { AdditionalProperties = new() { ["detail"] = "low" } },
                    new DataContent(new byte[] { 1, 2, 3 }, "image/gif") { AdditionalProperties = new() { ["detail"] = OpenAIChat.ChatImageDetailLevel.High } },
                    new UriContent(new Uri("https://example.com/doc.txt"), "text/plain"),
                ]),
            ], null, false, null),
        ["image-only"] = () => new([new(ChatRole.User, [new DataContent(new byte[] { 9, 8, 7, 6 }, "image/webp")])], null, false, null),
        ["assistant-text-and-calls"] = () => new(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant,
                [
                    new TextContent("Reading both."),
                    Call("call_1", "read_file", """{"target_file":"/src/cart.py","offset":10,"nested":{"a":[1,2.5,true,null,"x"]}}"""),
                    Call("call_2", "grep", """{"pattern":"caf\u00e9 \"q\" <b> \ud83d\ude42","path":"\\\\server"}"""),
                ]),
                new(ChatRole.Tool, [new FunctionResultContent("call_1", "class Cart: ..."), new FunctionResultContent("call_2", "no matches")]),
            ], new ChatOptions { Temperature = 0.2f }, true, "cursoraspire-k"),
        ["assistant-calls-only"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [Call("c", "list", "{}")]), new(ChatRole.Tool, [new FunctionResultContent("c", "")])],
            null, false, null),
        ["assistant-empty"] = () => new([new(ChatRole.User, "go"), new(ChatRole.Assistant, []), new(ChatRole.User, "again")], null, false, null),
        ["assistant-text-parts-and-image"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextContent("a"), new TextContent("b"), new UriContent(new Uri("https://e.com/i.png"), "image/png")])],
            null, false, null),
        ["assistant-refusal"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextContent("No."), new ErrorContent("I can't") { ErrorCode = "Refusal" }, new ErrorContent("other")]) { AuthorName = "bot" }],
            null, false, null),
        ["call-argument-kinds"] = () => new(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant,
                [
                    new FunctionCallContent("a", "f", new Dictionary<string, object?> { ["n"] = 5, ["s"] = Awkward, ["none"] = null, ["list"] = new List<object?> { 1, "two", null }, ["flag"] = true, ["d"] = 1.5 }),
                    new FunctionCallContent("b", "g", null),
                    new FunctionCallContent("c", "h", new Dictionary<string, object?>()),
                    Call("d", "broken", "{not json"),
                ]),
            ], null, false, null),
        ["tool-results"] = () => new(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant, [Call("r1", "f", "{}"), Call("r2", "f", "{}"), Call("r3", "f", "{}"), Call("r4", "f", "{}"), Call("r5", "f", "{}")]),
                new(ChatRole.Tool,
                [
                    new FunctionResultContent("r1", "text " + Awkward),
                    new FunctionResultContent("r2", null),
                    new FunctionResultContent("r3", JsonElement.Parse("""{"ok":true,"items":[1,"é"]}""")),
                    new TextContent("dropped"),
                    new FunctionResultContent("r4", 42),
                    new FunctionResultContent("r5", new Dictionary<string, object?> { ["a"] = "b" }),
                ]),
            ], null, true, null),
        ["reasoning-text-and-calls"] = () => new(
            [
                new(ChatRole.User, "go"),
                new(ChatRole.Assistant, [new TextReasoningContent("Think " + Awkward), new TextContent("Doing it."), Call("k1", "read_file", """{"target_file":"a \"b\"","n":1}""")]) { AuthorName = "dropped" },
                new(ChatRole.Tool, [new FunctionResultContent("k1", "ok")]),
            ], null, true, "cursoraspire-k"),
        ["reasoning-calls-only"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextReasoningContent("plan"), Call("k1", "f", "{}"), new FunctionCallContent("k2", "g", null)]), new(ChatRole.Tool, [new FunctionResultContent("k1", "ok")])],
            null, false, null),
        ["reasoning-only"] = () => new([new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextReasoningContent("just thought")])], null, false, null),
        ["reasoning-empty-with-calls"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextReasoningContent(string.Empty), Call("k1", "f", "{}")])], null, false, null),
        ["reasoning-several"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, [new TextReasoningContent("one"), new TextReasoningContent(""), new TextContent("a"), new TextContent(""), new TextContent("b"), new TextReasoningContent("two"), new UriContent(new Uri("https://e.com/i.png"), "image/png")])],
            null, false, null),
        ["escaping"] = () => new(
            [new(ChatRole.System, Awkward), new(ChatRole.User, [new TextContent(Awkward), new TextContent("\u0000")])],
            new ChatOptions { StopSequences = [Awkward, "\n\n"], ModelId = "modèle-ü" }, false, "clé " + Awkward),
        ["all-options"] = () => new(
            [new(ChatRole.User, "go")],
            new ChatOptions
            {
                Temperature = 0.7f, TopP = 0.95f, FrequencyPenalty = -0.5f, PresencePenalty = 1e-7f, Seed = long.MaxValue, MaxOutputTokens = 4096,
                StopSequences = ["stop"], TopK = 40, Reasoning = new ReasoningOptions { Effort = ReasoningEffort.High }, ResponseFormat = ChatResponseFormat.Text,
                ModelId = "o4-mini", AdditionalProperties = new() { ["extra"] = 1 }, AllowMultipleToolCalls = true, ToolMode = ChatToolMode.RequireAny,
            }, true, "cursoraspire-k"),
        ["effort-none"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.None } }, false, null),
        ["effort-extra-high"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.ExtraHigh }, MaxOutputTokens = 1 }, false, null),
        ["effort-low-medium"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low }, Temperature = 1 }, true, null),
        ["reasoning-options-without-effort"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Reasoning = new ReasoningOptions { Output = ReasoningOutput.Full } }, false, null),
        ["json-object"] = () => new([new(ChatRole.User, "go")], new ChatOptions { ResponseFormat = ChatResponseFormat.Json }, false, null),
        ["json-schema"] = () => new([new(ChatRole.User, "go")], new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema, "answer", "An answer.") }, false, null),
        ["json-schema-unnamed-strict"] = () => new(
            [new(ChatRole.User, "go")],
            new ChatOptions { ResponseFormat = ChatResponseFormat.ForJsonSchema(Schema), AdditionalProperties = new() { ["strict"] = true } }, false, null),
        ["tools-strict-option"] = () => new(
            [new(ChatRole.User, "go")], new ChatOptions { Tools = [.. ProviderToolSets.Tools], AdditionalProperties = new() { ["strict"] = false } }, false, null),
        ["tools-web-search"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Tools = [new HostedWebSearchTool(), .. ProviderToolSets.Tools] }, false, null),
        ["web-search-only"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Tools = [new HostedWebSearchTool()], ToolMode = ChatToolMode.RequireAny, AllowMultipleToolCalls = false }, false, null),
        ["tool-mode-without-tools"] = () => new([new(ChatRole.User, "go")], new ChatOptions { Tools = [], ToolMode = ChatToolMode.None, AllowMultipleToolCalls = true }, false, null),
        ["developer-and-unknown-roles"] = () => new(
            [new(new ChatRole("developer"), "rules") { AuthorName = "dev" }, new(new ChatRole("narrator"), "skipped"), new(ChatRole.User, "go")], null, false, null),
        ["sdk-message-as-is"] = () => new(
            [new(ChatRole.User, "go"), new(ChatRole.Assistant, "ignored") { RawRepresentation = new OpenAIChat.AssistantChatMessage("from the SDK") { ParticipantName = "raw" } }],
            null, false, null),
        ["agent-turn"] = AgentTurn,
    };

    /// <summary>A Cursor agent turn of the usual shape (also what the allocation check writes).</summary>
    private static RequestCase AgentTurn()
    {
        var tools = Enumerable.Range(0, 12).Select(i => AgentTools[i % AgentTools.Length]).ToList();
        List<ChatMessage> messages = [new(ChatRole.System, "You are a powerful agentic AI coding assistant. " + new string('r', 3000)), new(ChatRole.User, "Fix the cart totals.")];
        for (var i = 0; i < 6; i++)
        {
            messages.Add(new(ChatRole.Assistant, [new TextContent($"Step {i}: reading."), Call($"call_{i}", "read_file", $$"""{"target_file":"/home/dev/shop-api/src/cart{{i}}.py","offset":{{i}},"should_read_entire_file":false}""")]));
            messages.Add(new(ChatRole.Tool, [new FunctionResultContent($"call_{i}", "class Cart:\n    def __init__(self) -> None:\n        self.items = {}\n" + new string('x', 400))]));
        }
        messages.Add(new(ChatRole.User, "Now run the tests."));
        return new(messages, new ChatOptions { Temperature = 0.2f, Tools = [.. tools], ModelId = "gpt-4.1" }, true, "cursoraspire-0123456789abcdef");
    }

    private static readonly AIFunctionDeclaration[] AgentTools = [.. ProviderToolSets.Tools, .. Enumerable.Range(0, 9).Select(i =>
        AIFunctionFactory.CreateDeclaration($"tool_{i}", $"Tool number {i}.", JsonElement.Parse($$$"""{"type":"object","properties":{"arg{{{i}}}":{"type":"string","description":"An argument."}},"required":["arg{{{i}}}"]}""")))];

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

    /// <summary>The compatibility client's reasoning message as it stood before the writer (its <c>WithReasoningContent</c>).</summary>
    private static ChatMessage WithReasoningContent(ChatMessage message)
    {
        var calls = message.Contents.OfType<FunctionCallContent>()
            .Select(c => OpenAIChat.ChatToolCall.CreateFunctionToolCall(c.CallId, c.Name, BinaryData.FromBytes(WireJson.SerializeArguments(c))))
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
        raw.Patch.Set("$.reasoning_content"u8, JsonSerializer.SerializeToUtf8Bytes(reasoning, WireJson.StringSerializerOptions).AsSpan());
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
