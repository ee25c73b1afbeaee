using Microsoft.Extensions.AI;
using OpenAIChat = OpenAI.Chat;

namespace CursorAspire.Proxy.Tests.Providers.OpenAI;

/// <summary>
/// The requests <see cref="OpenAIChatRequestWriterTests"/> sends both ways, by name: every role, content part, tool call and
/// result shape, option and escaping path M.E.AI's OpenAI client has a conversion for, and Cursor's agent turn.
/// </summary>
internal static class OpenAIChatRequestCases
{
    /// <summary>One request: the messages, options, stream flag and <c>prompt_cache_key</c> both sides are given.</summary>
    public sealed record RequestCase(IList<ChatMessage> Messages, ChatOptions? Options, bool Stream, string? Key);

    /// <summary>Every row's name.</summary>
    public static IEnumerable<string> Names => CaseBuilders.Keys;

    public static RequestCase Case(string name) => CaseBuilders[name]();

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
    public static RequestCase AgentTurn()
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
}
