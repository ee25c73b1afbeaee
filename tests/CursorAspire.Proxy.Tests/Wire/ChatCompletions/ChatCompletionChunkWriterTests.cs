using System.Buffers;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire.ChatCompletions;

public class ChatCompletionChunkWriterTests
{
    private const string Id = "chatcmpl-test";
    private const string Model = "my-local-model";
    private const long Created = 1_700_000_000;

    private static string Render(IEnumerable<ChatResponseUpdate> updates, long estimatedPromptTokens = 100, ReasoningOutputMode mode = ReasoningOutputMode.ThinkTags)
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChatCompletionChunkWriter(Id, Model, Created, mode) { EstimatedPromptTokens = estimatedPromptTokens };
        foreach (var update in updates)
        {
            writer.WriteUpdate(update, output);
        }
        writer.WriteEnd(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    private static ChatResponseUpdate Text(string text) => new(ChatRole.Assistant, text);

    private static FunctionCallContent Call(string id, string name, string argumentsJson) =>
        new(id, name, JsonSerializer.Deserialize<Dictionary<string, object?>>(argumentsJson));

    [Fact]
    public void TextStreamIsExactlyTheOpenAIChunkSequence()
    {
        var body = Render([
            Text("Hel"),
            Text("lo"),
            new ChatResponseUpdate { FinishReason = ChatFinishReason.Stop, Contents = [new UsageContent(new UsageDetails { InputTokenCount = 12, OutputTokenCount = 2, TotalTokenCount = 14 })] },
        ]);

        const string envelope = "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"my-local-model\",\"system_fingerprint\":\"cursoraspire\",";
        var expected =
            "data: " + envelope + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n" +
            "data: " + envelope + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}\n\n" +
            "data: " + envelope + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n" +
            "data: " + envelope + "\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":2,\"total_tokens\":14}}\n\n" +
            "data: [DONE]\n\n";
        Assert.Equal(expected, body);
    }

    [Fact]
    public void OllamaStyleCallsInOneUpdateGetIndicesZeroToNAndFinishToolCallsDespiteStop()
    {
        // Ollama: every call in one update, generated ids, and done_reason "stop".
        var body = Render([
            new ChatResponseUpdate(ChatRole.Assistant, [Call("a1b2c3d4", "read_file", """{"target_file":"src/cart.py"}"""), Call("e5f6a7b8", "grep", """{"pattern":"def add"}""")]) { FinishReason = ChatFinishReason.Stop },
        ]);

        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("tool_calls", summary.FinishReason);
        Assert.Equal(2, summary.ToolCalls.Count);
        Assert.Equal(("a1b2c3d4", "read_file", """{"target_file":"src/cart.py"}"""), summary.ToolCalls[0]);
        Assert.Equal(("e5f6a7b8", "grep", """{"pattern":"def add"}"""), summary.ToolCalls[1]);
        Assert.Equal(string.Empty, summary.Content);
    }

    [Fact]
    public void OpenAIStyleTextThenOneLateUpdateWithAllCalls()
    {
        var body = Render([
            Text("Let me look."),
            new ChatResponseUpdate(ChatRole.Assistant, [Call("call_1", "read_file", """{"target_file":"a.py"}"""), Call("call_2", "list_dir", """{"target_directory":"."}""")]),
            new ChatResponseUpdate { FinishReason = ChatFinishReason.ToolCalls },
        ]);

        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("Let me look.", summary.Content);
        Assert.Equal(["call_1", "call_2"], summary.ToolCalls.Select(c => c.Id));
        Assert.Equal("tool_calls", summary.FinishReason);
    }

    [Fact]
    public void AnthropicStyleOneUpdatePerCallStillCountsIndicesAcrossUpdates()
    {
        var body = Render([
            new ChatResponseUpdate(ChatRole.Assistant, [Call("toolu_1", "read_file", "{}")]),
            new ChatResponseUpdate(ChatRole.Assistant, [Call("toolu_2", "read_file", """{"x":1}""")]),
            new ChatResponseUpdate(ChatRole.Assistant, [Call("toolu_3", "grep", """{"y":[1,2]}""")]),
        ]);

        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal(["toolu_1", "toolu_2", "toolu_3"], summary.ToolCalls.Select(c => c.Id));
        Assert.Equal("{}", summary.ToolCalls[0].Arguments);
        Assert.Equal("""{"y":[1,2]}""", summary.ToolCalls[2].Arguments);
    }

    [Fact]
    public void ArgumentsKeepQuotesAndNonAsciiUnescaped()
    {
        var body = Render([new ChatResponseUpdate(ChatRole.Assistant, [Call("c", "edit_file", """{"code_edit":"print(\"héllo <b>&</b>\")"}""")])]);

        Assert.DoesNotContain("\\u0022", body);
        Assert.DoesNotContain("\\u003C", body);
        var summary = SseChunks.AssertContract(body, Model);
        var args = JsonDocument.Parse(summary.ToolCalls[0].Arguments).RootElement;
        Assert.Equal("print(\"héllo <b>&</b>\")", args.GetProperty("code_edit").GetString());
    }

    [Fact]
    public void MissingCallIdIsInvented()
    {
        var body = Render([new ChatResponseUpdate(ChatRole.Assistant, [Call("", "grep", "{}")])]);
        var summary = SseChunks.AssertContract(body, Model);
        Assert.StartsWith("call_", summary.ToolCalls[0].Id);
    }

    [Fact]
    public void UsageIsEstimatedWhenTheUpstreamGivesNone()
    {
        var body = Render([Text(new string('x', 400))], estimatedPromptTokens: 1234);
        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal(1234, summary.Usage.GetProperty("prompt_tokens").GetInt64());
        Assert.Equal(100, summary.Usage.GetProperty("completion_tokens").GetInt64());
    }

    [Fact]
    public void LengthFinishReasonPassesThrough()
    {
        var body = Render([Text("abc"), new ChatResponseUpdate { FinishReason = ChatFinishReason.Length }]);
        Assert.Equal("length", SseChunks.AssertContract(body, Model).FinishReason);
    }

    [Fact]
    public void EmptyUpstreamStreamStillSendsRoleFinishUsageAndDone()
    {
        var summary = SseChunks.AssertContract(Render([]), Model);
        Assert.Equal("stop", summary.FinishReason);
        Assert.Equal(string.Empty, summary.Content);
    }

    [Fact]
    public void ReasoningAsThinkTagsWrapsTheThinkingInContent()
    {
        var body = Render([
            new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("plan: ")]),
            new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("read the file")]),
            Text("Done."),
        ]);
        Assert.Equal("<think>plan: read the file</think>\n\nDone.", SseChunks.AssertContract(body, Model).Content);
    }

    [Fact]
    public void ReasoningAsReasoningContentKeepsContentClean()
    {
        var body = Render([new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("hmm")]), Text("Done.")], mode: ReasoningOutputMode.ReasoningContent);
        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("Done.", summary.Content);
        Assert.Equal("hmm", summary.Reasoning);
    }

    [Fact]
    public void ReasoningOmittedWritesNothing()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChatCompletionChunkWriter(Id, Model, Created, ReasoningOutputMode.Omit);
        Assert.False(writer.WriteUpdate(new ChatResponseUpdate(ChatRole.Assistant, [new TextReasoningContent("hmm")]), output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void UsageOnlyUpdateWritesNothingToFlush()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChatCompletionChunkWriter(Id, Model, Created);
        Assert.False(writer.WriteUpdate(new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 1 })] }, output));
        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void ErrorAfterStartBecomesAssistantTextWithStopAndDone()
    {
        var output = new ArrayBufferWriter<byte>();
        var writer = new ChatCompletionChunkWriter(Id, Model, Created) { EstimatedPromptTokens = 10 };
        writer.WriteUpdate(Text("Partial answer"), output);
        writer.WriteFailed("upstream connection reset", output);

        var summary = SseChunks.AssertContract(Encoding.UTF8.GetString(output.WrittenSpan), Model);
        Assert.Equal("stop", summary.FinishReason);
        Assert.StartsWith("Partial answer\n\n[CursorAspire] upstream connection reset", summary.Content);
    }

    [Fact]
    public void ContentAndToolCallsNeverShareAChunkEvenInOneUpdate()
    {
        var body = Render([new ChatResponseUpdate(ChatRole.Assistant, [new TextContent("I'll read it."), Call("c1", "read_file", "{}")])]);
        var summary = SseChunks.AssertContract(body, Model);
        Assert.Equal("I'll read it.", summary.Content);
        Assert.Single(summary.ToolCalls);
    }
}
