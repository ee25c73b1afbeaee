using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reads generation options shared by both body shapes into <see cref="ChatOptions"/>. Unknown members and unknown
/// values of known enumerations (a new reasoning effort, a new format type) are ignored rather than rejected: Cursor
/// adds them without notice. A known member of the wrong kind, or a number no option can hold, is a 400 naming it.
/// </summary>
internal static class GenerationOptionsReader
{
    public static ChatOptions Read(JsonElement root)
    {
        var options = new ChatOptions
        {
            Temperature = root.ReadSingle("temperature", string.Empty),
            TopP = root.ReadSingle("top_p", string.Empty),
            FrequencyPenalty = root.ReadSingle("frequency_penalty", string.Empty),
            PresencePenalty = root.ReadSingle("presence_penalty", string.Empty),
            Seed = root.ReadInt64("seed", string.Empty),
            // max_completion_tokens supersedes max_tokens in Chat Completions; max_output_tokens is the Responses name.
            MaxOutputTokens = root.ReadInt32("max_completion_tokens", string.Empty)
                ?? root.ReadInt32("max_tokens", string.Empty)
                ?? root.ReadInt32("max_output_tokens", string.Empty),
            AllowMultipleToolCalls = root.ReadBool("parallel_tool_calls", string.Empty),
            StopSequences = ReadStop(root, "stop"),
            Reasoning = ReadReasoning(root),
            ResponseFormat = ReadResponseFormat(root),
            ToolMode = ToolDefinitionReader.ReadToolChoice(root),
        };
        return options;
    }

    /// <summary>Stop sequences: a string or an array of strings (<c>stop</c>; Anthropic's <c>stop_sequences</c>).</summary>
    public static List<string>? ReadStop(JsonElement root, string member)
    {
        if (!root.TryGetProperty(member, out var stop))
        {
            return null;
        }
        switch (stop.ValueKind)
        {
            case JsonValueKind.String:
                return [stop.GetString()!];
            case JsonValueKind.Array:
                var sequences = new List<string>(stop.GetArrayLength());
                var index = 0;
                foreach (var sequence in stop.EnumerateArray())
                {
                    sequences.Add(sequence.ValueKind == JsonValueKind.String
                        ? sequence.GetString()!
                        : throw JsonElementReading.InvalidType($"{member}[{index}]", "a string", sequence));
                    index++;
                }
                return sequences;
            case JsonValueKind.Null:
                return null;
            default:
                throw JsonElementReading.InvalidType(member, "a string or an array of strings", stop);
        }
    }

    /// <summary><c>reasoning: {effort}</c> (what Cursor sends) or the flat <c>reasoning_effort</c>.</summary>
    private static ReasoningOptions? ReadReasoning(JsonElement root)
    {
        var effort = root.TryReadObject("reasoning", string.Empty, out var reasoning) ? reasoning.ReadString("effort", "reasoning") : null;
        effort ??= root.ReadString("reasoning_effort", string.Empty);
        return ReasoningEffortNames.Parse(effort) is { } parsed ? new ReasoningOptions { Effort = parsed } : null;
    }

    /// <summary>Chat Completions <c>response_format</c> or Responses <c>text.format</c>.</summary>
    private static ChatResponseFormatJson? ReadResponseFormat(JsonElement root)
    {
        JsonElement format;
        string path;
        if (root.TryReadObject("response_format", string.Empty, out format))
        {
            path = "response_format";
        }
        else if (root.TryReadObject("text", string.Empty, out var text) && text.TryReadObject("format", "text", out format))
        {
            path = "text.format";
        }
        else
        {
            return null;
        }
        switch (format.ReadString("type", path))
        {
            case "json_object":
                return ChatResponseFormat.Json;
            case "json_schema":
                // Chat Completions nests the schema under json_schema; Responses puts it on the format itself.
                var (holder, holderPath) = format.TryReadObject("json_schema", path, out var nested)
                    ? (nested, JsonElementReading.MemberPath(path, "json_schema"))
                    : (format, path);
                if (!holder.TryGetProperty("schema", out var schema) || schema.ValueKind == JsonValueKind.Null)
                {
                    return ChatResponseFormat.Json;
                }
                JsonSchemaShape.Ensure(schema, holderPath, "schema");
                return ChatResponseFormat.ForJsonSchema(schema.Clone(), holder.ReadString("name", holderPath), holder.ReadString("description", holderPath));
            default:
                return null;
        }
    }
}
