using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Infrastructure.Caching;

/// <summary>Requests and answers shaped like Cursor's traffic after routing.</summary>
internal static class CacheTestData
{
    public const string Model = "qwen3-coder:30b";

    private static readonly DateTimeOffset Created = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);

    public static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are a powerful agentic AI coding assistant, powered by a custom model."),
        new(ChatRole.User, "Find the TODOs in src/ and fix the first one."),
        new(ChatRole.Assistant, [new FunctionCallContent("call_9f2a1c0b7e3d4a5f", "grep_search", new Dictionary<string, object?> { ["query"] = "TODO", ["include_pattern"] = "src/**" })]),
        new(ChatRole.Tool, [new FunctionResultContent("call_9f2a1c0b7e3d4a5f", "src/a.cs:12: // TODO: handle \"null\"")]) { AuthorName = "grep_search" },
    ];

    public static AITool ReadFileTool(string targetFileDescription = "The path of the file to read.") =>
        AIFunctionFactory.CreateDeclaration(
            "read_file",
            "Read the contents of a file.",
            JsonSerializer.SerializeToElement(new
            {
                type = "object",
                properties = new { target_file = new { type = "string", description = targetFileDescription } },
                required = new[] { "target_file" },
            }));

    public static AITool GrepTool() =>
        AIFunctionFactory.CreateDeclaration(
            "grep_search",
            "Fast text-based regex search.",
            JsonSerializer.SerializeToElement(new
            {
                type = "object",
                properties = new { query = new { type = "string" }, include_pattern = new { type = "string" } },
                required = new[] { "query" },
            }));

    /// <summary>Options as routing leaves them, carrying the request's context with its cache scope.</summary>
    public static ChatOptions Options(string partition, Action<ChatOptions>? configure = null, ResponseCacheScope? request = null)
    {
        var options = new ChatOptions
        {
            ModelId = Model,
            Temperature = 0,
            Tools = [ReadFileTool(), GrepTool()],
            ToolMode = ChatToolMode.Auto,
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Medium },
        };
        configure?.Invoke(options);
        return new ChatCallOptions(options, new ChatCallContext(partition, request ?? new ResponseCacheScope(partition)));
    }

    public static ChatResponse TextResponse(string text) =>
        new(new ChatMessage(ChatRole.Assistant, text))
        {
            ResponseId = "chatcmpl-upstream-1",
            ModelId = Model,
            CreatedAt = Created,
            FinishReason = ChatFinishReason.Stop,
            Usage = new UsageDetails { InputTokenCount = 12_345, OutputTokenCount = 42, TotalTokenCount = 12_387 },
        };

    /// <summary>A streamed answer with text, two tool calls (one update per call, as Anthropic does), a finish reason and usage.</summary>
    public static IReadOnlyList<ChatResponseUpdate> ToolCallStream() =>
    [
        Update(new ChatResponseUpdate(ChatRole.Assistant, "I'll read ")),
        Update(new ChatResponseUpdate(null, "the file \"a.cs\" first.")),
        Update(new ChatResponseUpdate { Contents = [new FunctionCallContent("toolu_01A09q90qw90lq917835lq9", "read_file", new Dictionary<string, object?> { ["target_file"] = "src/a.cs" })] }),
        Update(new ChatResponseUpdate { Contents = [new FunctionCallContent("toolu_01B7x", "grep_search", new Dictionary<string, object?> { ["query"] = "TODO", ["include_pattern"] = "src/**" })] }),
        Update(new ChatResponseUpdate { FinishReason = ChatFinishReason.ToolCalls }),
        Update(new ChatResponseUpdate { Contents = [new UsageContent(new UsageDetails { InputTokenCount = 23_456, OutputTokenCount = 77, TotalTokenCount = 23_533 })] }),
    ];

    private static ChatResponseUpdate Update(ChatResponseUpdate update)
    {
        update.ResponseId = "msg_01XFDUDYJgAACzvnptvVoYEL";
        update.MessageId = "msg_01XFDUDYJgAACzvnptvVoYEL";
        update.ModelId = Model;
        update.CreatedAt = Created;
        return update;
    }

    /// <summary>JSON of an update as Microsoft.Extensions.AI serializes it, without the cache-hit marker.</summary>
    public static string Json(ChatResponseUpdate update)
    {
        var copy = update.Clone();
        if (copy.AdditionalProperties is { } properties)
        {
            var remaining = new AdditionalPropertiesDictionary(properties);
            remaining.Remove(ResponseCachingChatClient.CacheHitPropertyName);
            copy.AdditionalProperties = remaining.Count == 0 ? null : remaining;
        }

        return JsonSerializer.Serialize(copy, AIJsonUtilities.DefaultOptions);
    }

    public static CancellationToken Deadline(int seconds = 10) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
