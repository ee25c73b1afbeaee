using System.ClientModel.Primitives;
using OpenAI.Chat;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>
/// The key over a real Cursor Agent body (Chat Completions shape, tools, multi-turn tool calls), turned into
/// Microsoft.Extensions.AI types the way the OpenAI SDK does, so ids, arguments and schemas are as they arrive.
/// </summary>
public sealed class CursorFixtureKeyTests
{
    // Found next to this source file, so the test project file needs no copy rule.

    private static (List<Microsoft.Extensions.AI.ChatMessage> Messages, ChatOptions Options) Parse(Action<JsonObject>? edit = null)
    {
        var body = JsonNode.Parse(CursorFixtures.Read(CursorFixtures.AgentChatToolsMultiturn))!.AsObject();
        edit?.Invoke(body);

        var messages = body["messages"]!.AsArray()
            .Select(m => ModelReaderWriter.Read<OpenAI.Chat.ChatMessage>(BinaryData.FromString(m!.ToJsonString()))!)
            .AsChatMessages()
            .ToList();

        var options = new ChatOptions
        {
            ModelId = "qwen3-coder:30b",
            Temperature = (float?)body["temperature"]?.GetValue<double>(),
            ToolMode = body["tool_choice"]?.GetValue<string>() == "auto" ? ChatToolMode.Auto : null,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
            Tools = body["tools"]!.AsArray()
                .Select(t => (AITool)AIFunctionFactory.CreateDeclaration(
                    t!["function"]!["name"]!.GetValue<string>(),
                    t["function"]!["description"]?.GetValue<string>(),
                    JsonSerializer.SerializeToElement(t["function"]!["parameters"])))
                .ToList(),
            AdditionalProperties = new AdditionalPropertiesDictionary { ["user"] = body["user"]?.GetValue<string>() },
        };
        return (messages, options);
    }

    private static string Key(Action<JsonObject>? edit = null)
    {
        var (messages, options) = Parse(edit);
        return ResponseCacheKeyBuilder.Compute("key-a", "ollama", streaming: true, messages, options);
    }

    [Fact]
    public void FixtureParsesIntoToolCallsAndResults()
    {
        var (messages, options) = Parse();

        Assert.Equal(10, messages.Count);
        Assert.Equal(13, options.Tools!.Count);
        Assert.Contains(messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>(), c => c.CallId == "call_Q2hC8pXw3nZkYb1vLr0tMd5a");
        Assert.NotEmpty(messages.SelectMany(m => m.Contents).OfType<FunctionResultContent>());
    }

    [Fact]
    public void SameCursorBodyParsedTwiceGivesTheSameKey() => Assert.Equal(Key(), Key());

    [Fact]
    public void CursorBodyFromAnotherUserGivesTheSameKey() =>
        Assert.Equal(Key(), Key(b => b["user"] = "0000000000000000000000000000ffff"));

    [Fact]
    public void CursorBodyWithAChangedToolSchemaGivesAnotherKey() =>
        Assert.NotEqual(Key(), Key(b => b["tools"]![0]!["function"]!["parameters"]!["properties"]!["query"]!["description"] = "changed"));

    [Fact]
    public void CursorBodyWithAChangedToolResultGivesAnotherKey() =>
        Assert.NotEqual(Key(), Key(b => b["messages"]![9]!["content"] = b["messages"]![9]!["content"]!.GetValue<string>() + " "));

    [Fact]
    public void CursorBodyWithAChangedToolCallIdGivesAnotherKey() =>
        Assert.NotEqual(Key(), Key(b => b["messages"]![3]!["tool_calls"]![0]!["id"] = "call_other"));
}
