using System.Buffers;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire.ChatCompletions;

/// <summary>
/// Golden tests of the non-streamed <c>chat.completion</c> body the client receives
/// (<see cref="ChatCompletionResponseWriter"/>), byte for byte against <c>tests/fixtures/client-replies/</c>: text split
/// over contents and messages, reasoning in both output modes, tool calls (a custom tool's raw input among them),
/// escapes and non-ASCII, the upstream's usage, an override and the proxy's estimate. Written from the writer before
/// work on how it allocates, so that work cannot change a byte (<c>CURSORASPIRE_UPDATE_GOLDEN=1</c> rewrites them).
/// </summary>
public sealed class NonStreamedReplyBytesTests
{
    private static readonly HashSet<string> ApplyPatch = new(StringComparer.Ordinal) { "ApplyPatch" };

    public static TheoryData<string> Cases => ["text", "split-text", "think-tags", "reasoning-content", "reasoning-only", "tool-calls", "text-and-tool-call", "custom-tool", "escapes", "split-surrogate", "empty", "estimated", "override", "length"];

    [Theory]
    [MemberData(nameof(Cases))]
    public void BodyIsTheGoldenBytes(string name)
    {
        var (response, mode, usageOverride) = Case(name);
        var output = new ArrayBufferWriter<byte>();

        var written = ChatCompletionResponseWriter.Write(output, response, "chatcmpl-golden", "agent-model", 1765083600, estimatedPromptTokens: 1234, mode, usageOverride, ApplyPatch);

        var body = Encoding.UTF8.GetString(output.WrittenSpan);
        GoldenFile.AssertSame("client-replies", $"chat-completion.{name}.json", body);
        // The usage returned is the usage written.
        var usage = JsonDocument.Parse(body).RootElement.GetProperty("usage");
        Assert.Equal(written.InputTokenCount, usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(written.OutputTokenCount, usage.GetProperty("completion_tokens").GetInt64());
    }

    [Fact]
    public void WritingTwiceGivesTheSameBytes()
    {
        var (response, mode, usageOverride) = Case("text-and-tool-call");
        var first = new ArrayBufferWriter<byte>();
        var second = new ArrayBufferWriter<byte>();

        ChatCompletionResponseWriter.Write(first, response, "chatcmpl-golden", "agent-model", 1765083600, 1234, mode, usageOverride, ApplyPatch);
        ChatCompletionResponseWriter.Write(second, response, "chatcmpl-golden", "agent-model", 1765083600, 1234, mode, usageOverride, ApplyPatch);

        Assert.Equal(first.WrittenSpan.ToArray(), second.WrittenSpan.ToArray());
    }

    private static (ChatResponse Response, ReasoningOutputMode Mode, UsageDetails? Override) Case(string name)
    {
        var usage = new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 50, TotalTokenCount = 1250 };
        ChatResponse Of(params AIContent[] contents) => new(new ChatMessage(ChatRole.Assistant, [.. contents])) { Usage = usage, FinishReason = ChatFinishReason.Stop };
        return name switch
        {
            "text" => (Of(new TextContent("tok0 tok1 tok2 ")), ReasoningOutputMode.ThinkTags, null),
            "split-text" => (new ChatResponse([
                new ChatMessage(ChatRole.Assistant, [new TextContent("Hello, "), new TextContent("world")]),
                new ChatMessage(ChatRole.Assistant, [new TextContent("!")]),
            ]) { Usage = usage }, ReasoningOutputMode.ThinkTags, null),
            "think-tags" => (Of(new TextReasoningContent("Let me "), new TextReasoningContent("think."), new TextContent("Answer.")), ReasoningOutputMode.ThinkTags, null),
            "reasoning-content" => (Of(new TextReasoningContent("Let me think."), new TextContent("Answer.")), ReasoningOutputMode.ReasoningContent, null),
            "reasoning-only" => (Of(new TextReasoningContent("Only thoughts.")), ReasoningOutputMode.ThinkTags, null),
            "tool-calls" => (Of(
                new FunctionCallContent("call_1", "read_file", new Dictionary<string, object?> { ["target_file"] = "/src/cart.py", ["lines"] = JsonDocument.Parse("[1,20]").RootElement }),
                new FunctionCallContent("call_2", "grep", new Dictionary<string, object?> { ["pattern"] = "def \"add\" ü <x>" })), ReasoningOutputMode.ThinkTags, null),
            "text-and-tool-call" => (Of(new TextContent("Looking."), new FunctionCallContent("call_9", "list_dir", new Dictionary<string, object?> { ["path"] = "." })), ReasoningOutputMode.ThinkTags, null),
            "custom-tool" => (Of(new FunctionCallContent("call_p", "ApplyPatch", new Dictionary<string, object?> { ["input"] = "*** Begin Patch\n*** Update File: a.py\n-x\n+y\n*** End Patch" })), ReasoningOutputMode.ThinkTags, null),
            "escapes" => (Of(new TextContent("quote \" backslash \\ tab \t newline \n <tag> & 'apos' ü 漢字 😀 \u0001")), ReasoningOutputMode.ThinkTags, null),
            // An emoji's surrogate pair split between two contents, as a stream's coalesced text may hold it.
            "split-surrogate" => (Of(new TextContent("a\uD83D"), new TextContent("\uDE00b")), ReasoningOutputMode.ThinkTags, null),
            "empty" => (new ChatResponse(new ChatMessage(ChatRole.Assistant, [])) { Usage = usage }, ReasoningOutputMode.ThinkTags, null),
            "estimated" => (new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextReasoningContent("hm"), new TextContent("No usage from upstream.")])), ReasoningOutputMode.ThinkTags, null),
            "override" => (Of(new TextContent("replayed")), ReasoningOutputMode.ThinkTags,
                new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 50, TotalTokenCount = 1250, CachedInputTokenCount = 1200 }),
            "length" => (new ChatResponse(new ChatMessage(ChatRole.Assistant, [new TextContent("cut")])) { Usage = usage, FinishReason = ChatFinishReason.Length }, ReasoningOutputMode.ThinkTags, null),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }
}
