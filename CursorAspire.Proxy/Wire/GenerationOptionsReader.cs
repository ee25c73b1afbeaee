using System.Text.Json;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads generation options shared by both body shapes into <see cref="ChatOptions"/>. Unknown or mistyped
/// members are ignored rather than rejected: Cursor adds fields without notice.
/// </summary>
internal static class GenerationOptionsReader
{
    public static ChatOptions Read(JsonElement root)
    {
        var options = new ChatOptions
        {
            Temperature = root.GetSingleOrNull("temperature"),
            TopP = root.GetSingleOrNull("top_p"),
            FrequencyPenalty = root.GetSingleOrNull("frequency_penalty"),
            PresencePenalty = root.GetSingleOrNull("presence_penalty"),
            Seed = root.GetInt64OrNull("seed"),
            // max_completion_tokens supersedes max_tokens in Chat Completions; max_output_tokens is the Responses name.
            MaxOutputTokens = root.GetInt32OrNull("max_completion_tokens") ?? root.GetInt32OrNull("max_tokens") ?? root.GetInt32OrNull("max_output_tokens"),
            AllowMultipleToolCalls = root.GetBoolOrNull("parallel_tool_calls"),
            StopSequences = ReadStop(root),
            Reasoning = ReadReasoning(root),
            ResponseFormat = ReadResponseFormat(root),
            ToolMode = ToolDefinitionReader.ReadToolChoice(root),
        };
        return options;
    }

    private static List<string>? ReadStop(JsonElement root)
    {
        if (!root.TryGetProperty("stop", out var stop))
        {
            return null;
        }
        return stop.ValueKind switch
        {
            JsonValueKind.String => [stop.GetString()!],
            JsonValueKind.Array => stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToList(),
            _ => null,
        };
    }

    /// <summary><c>reasoning: {effort}</c> (what Cursor sends) or the flat <c>reasoning_effort</c>.</summary>
    private static ReasoningOptions? ReadReasoning(JsonElement root)
    {
        var effort = root.TryGetObject("reasoning", out var reasoning) ? reasoning.GetStringOrNull("effort") : null;
        effort ??= root.GetStringOrNull("reasoning_effort");
        ReasoningEffort? parsed = effort switch
        {
            "none" => ReasoningEffort.None,
            "minimal" or "low" => ReasoningEffort.Low,
            "medium" => ReasoningEffort.Medium,
            "high" => ReasoningEffort.High,
            "xhigh" => ReasoningEffort.ExtraHigh,
            _ => null,
        };
        return parsed is null ? null : new ReasoningOptions { Effort = parsed };
    }

    /// <summary>Chat Completions <c>response_format</c> or Responses <c>text.format</c>.</summary>
    private static ChatResponseFormat? ReadResponseFormat(JsonElement root)
    {
        JsonElement format;
        if (!root.TryGetObject("response_format", out format) &&
            !(root.TryGetObject("text", out var text) && text.TryGetObject("format", out format)))
        {
            return null;
        }
        switch (format.GetStringOrNull("type"))
        {
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                // Chat Completions nests the schema under json_schema; Responses puts it on the format itself.
                var holder = format.TryGetObject("json_schema", out var nested) ? nested : format;
                return holder.TryGetObject("schema", out var schema)
                    ? ChatResponseFormat.ForJsonSchema(schema.Clone(), holder.GetStringOrNull("name"), holder.GetStringOrNull("description"))
                    : ChatResponseFormat.Json;
            default:
                return null;
        }
    }
}
