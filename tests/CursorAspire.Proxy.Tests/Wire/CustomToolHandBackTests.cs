using System.Buffers;
using CursorAspire.Proxy.Wire.ChatCompletions;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Wire;

/// <summary>
/// A model's call of a <c>custom</c> tool (Cursor's ApplyPatch) handed back in Chat Completions form: a
/// <c>type:"function"</c> tool call whose <c>arguments</c> is the raw input text, not the JSON the model filled.
/// </summary>
public sealed class CustomToolHandBackTests
{
    private const string Patch = "*** Begin Patch\n*** Update File: /home/dev/shop-api/src/cart.py\n@@\n-        self.items = []\n+        self.items: dict[str, int] = {}\n*** End Patch";
    private static readonly HashSet<string> ApplyPatch = new(StringComparer.Ordinal) { "ApplyPatch" };

    private static List<JsonElement> Chunks(string body) =>
        body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(e => e != "data: [DONE]")
            .Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement)
            .ToList();

    private static List<JsonElement> ToolCallDeltas(List<JsonElement> chunks) =>
        chunks.Where(c => c.GetProperty("choices").GetArrayLength() > 0 &&
                          c.GetProperty("choices")[0].GetProperty("delta").TryGetProperty("tool_calls", out _))
              .Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("tool_calls")[0])
              .ToList();

    private static string Stream(IReadOnlySet<string>? customToolNames, params AIContent[] contents)
    {
        var writer = new ChatCompletionChunkWriter("chatcmpl-1", "gpt-5.5", 1, ReasoningOutputMode.ThinkTags, customToolNames) { EstimatedPromptTokens = 5 };
        var output = new ArrayBufferWriter<byte>();
        writer.WriteUpdate(new ChatResponseUpdate { Contents = [.. contents] }, output);
        writer.WriteEnd(output);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }

    [Fact]
    public void StreamedCustomToolCallCarriesTheRawInputAsFunctionArguments()
    {
        var body = Stream(ApplyPatch,
            new FunctionCallContent("call_patch", "ApplyPatch", new Dictionary<string, object?> { ["input"] = Patch }));

        var deltas = ToolCallDeltas(Chunks(body));
        Assert.Equal(2, deltas.Count);
        Assert.Equal("call_patch", deltas[0].GetProperty("id").GetString());
        Assert.Equal("function", deltas[0].GetProperty("type").GetString());
        Assert.Equal("ApplyPatch", deltas[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(Patch, deltas[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Contains("\"finish_reason\":\"tool_calls\"", body);
    }

    [Fact]
    public void ALoneRenamedStringArgumentIsStillTheRawInput()
    {
        var body = Stream(ApplyPatch,
            new FunctionCallContent("c", "ApplyPatch", new Dictionary<string, object?> { ["patch"] = JsonDocument.Parse(JsonSerializer.Serialize(Patch)).RootElement }));

        Assert.Equal(Patch, ToolCallDeltas(Chunks(body))[1].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void FunctionToolsKeepTheirJsonArgumentsNextToACustomTool()
    {
        var body = Stream(ApplyPatch,
            new FunctionCallContent("c1", "ReadFile", new Dictionary<string, object?> { ["input"] = "a.py" }),
            new FunctionCallContent("c2", "ApplyPatch", new Dictionary<string, object?> { ["input"] = Patch }));

        var deltas = ToolCallDeltas(Chunks(body));
        Assert.Equal("""{"input":"a.py"}""", deltas[1].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal(1, deltas[3].GetProperty("index").GetInt32());
        Assert.Equal(Patch, deltas[3].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void WithoutCustomToolsArgumentsAreJsonAsBefore()
    {
        var body = Stream(null, new FunctionCallContent("c", "ApplyPatch", new Dictionary<string, object?> { ["input"] = "x" }));
        Assert.Equal("""{"input":"x"}""", ToolCallDeltas(Chunks(body))[1].GetProperty("function").GetProperty("arguments").GetString());
    }

    [Fact]
    public void NonStreamedCustomToolCallCarriesTheRawInputAsFunctionArguments()
    {
        var output = new ArrayBufferWriter<byte>();
        var response = new ChatResponse(new ChatMessage(ChatRole.Assistant,
        [
            new FunctionCallContent("call_patch", "ApplyPatch", new Dictionary<string, object?> { ["input"] = Patch }),
            new FunctionCallContent("call_read", "ReadFile", new Dictionary<string, object?> { ["path"] = "a.py" }),
        ]));
        ChatCompletionResponseWriter.Write(output, response, "chatcmpl-1", "gpt-5.5", 1, 5, customToolNames: ApplyPatch);

        var calls = JsonDocument.Parse(output.WrittenMemory).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("tool_calls");
        Assert.Equal("function", calls[0].GetProperty("type").GetString());
        Assert.Equal("ApplyPatch", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal(Patch, calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("""{"path":"a.py"}""", calls[1].GetProperty("function").GetProperty("arguments").GetString());
    }
}
