using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire.Responses;

/// <summary>
/// The request facts a <c>response</c> object echoes back (OpenAI returns the request's settings with every response),
/// captured from the body once so the body can be released while the answer streams.
/// </summary>
public sealed class ResponseEnvelope
{
    /// <summary>The response id, <c>resp_…</c>.</summary>
    public required string Id { get; init; }

    /// <summary>The model name exactly as the client sent it.</summary>
    public required string Model { get; init; }

    /// <summary>Unix seconds.</summary>
    public required long CreatedAt { get; init; }

    public string? Instructions { get; init; }
    public string? PreviousResponseId { get; init; }
    /// <summary>Whether the response is stored; set to false when the store cannot take it, so the response says so.</summary>
    public bool Store { get; set; } = true;
    public float? Temperature { get; init; }
    public float? TopP { get; init; }
    public int? MaxOutputTokens { get; init; }
    public bool ParallelToolCalls { get; init; } = true;
    public string? User { get; init; }

    /// <summary>Raw JSON of <c>tool_choice</c>, <c>tools</c>, <c>metadata</c>, <c>reasoning</c>, <c>text</c> as sent (null: absent).</summary>
    public string? ToolChoiceJson { get; init; }
    public string? ToolsJson { get; init; }
    public string? MetadataJson { get; init; }
    public string? ReasoningJson { get; init; }
    public string? TextJson { get; init; }

    /// <summary>Captures the echoed members of a Responses body.</summary>
    public static ResponseEnvelope FromRequest(JsonElement root, string id, long createdAt) => new()
    {
        Id = id,
        Model = root.GetStringOrNull("model") ?? string.Empty,
        CreatedAt = createdAt,
        Instructions = root.GetStringOrNull("instructions"),
        PreviousResponseId = root.GetStringOrNull("previous_response_id"),
        Store = root.GetBoolOrNull("store") ?? true,
        Temperature = root.GetSingleOrNull("temperature"),
        TopP = root.GetSingleOrNull("top_p"),
        MaxOutputTokens = root.GetInt32OrNull("max_output_tokens"),
        ParallelToolCalls = root.GetBoolOrNull("parallel_tool_calls") ?? true,
        User = root.GetStringOrNull("user"),
        ToolChoiceJson = RawOrNull(root, "tool_choice", JsonValueKind.String, JsonValueKind.Object),
        ToolsJson = RawOrNull(root, "tools", JsonValueKind.Array),
        MetadataJson = RawOrNull(root, "metadata", JsonValueKind.Object),
        ReasoningJson = RawOrNull(root, "reasoning", JsonValueKind.Object),
        TextJson = RawOrNull(root, "text", JsonValueKind.Object),
    };

    private static string? RawOrNull(JsonElement root, string name, params ReadOnlySpan<JsonValueKind> kinds)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }
        foreach (var kind in kinds)
        {
            if (value.ValueKind == kind)
            {
                return value.GetRawText();
            }
        }
        return null;
    }
}
