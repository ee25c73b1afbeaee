namespace CursorAspire.TestUpstreams;

/// <summary>What a request's history did with the reasoning of earlier tool-call turns.</summary>
internal static class ReasoningHistory
{
    /// <summary>The index of the first assistant message with tool calls and no <c>reasoning_content</c> string.</summary>
    public static int? MissingReasoningContent(JsonArray messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            if (IsToolCallTurn(messages[i], out var message) && JsonFields.String(message["reasoning_content"]) is null)
            {
                return i;
            }
        }
        return null;
    }

    /// <summary>
    /// For every assistant tool-call message whose first tool call this stand-in issued (<paramref name="sent"/>, by id):
    /// the reasoning as it came back, compared with what was sent. MiniMax's reasoning is its whole <c>content</c>.
    /// </summary>
    public static IReadOnlyList<ReasoningReturn> Returns(JsonArray messages, ThinkingVendor vendor, IReadOnlyDictionary<string, string> sent)
    {
        var returns = new List<ReasoningReturn>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (!IsToolCallTurn(messages[i], out var message)
                || JsonFields.String(message["tool_calls"]![0]?["id"]) is not { } id
                || !sent.TryGetValue(id, out var original))
            {
                continue;
            }

            var returned = vendor == ThinkingVendor.MiniMax ? ContentText(message["content"]) : JsonFields.String(message["reasoning_content"]);
            var status = returned == original ? ReasoningReturnStatus.Intact
                : returned is null || (vendor == ThinkingVendor.MiniMax && !returned.Contains("<think>", StringComparison.Ordinal)) ? ReasoningReturnStatus.Missing
                : ReasoningReturnStatus.Altered;
            returns.Add(new ReasoningReturn(i, id, original, returned, status));
        }
        return returns;
    }

    private static bool IsToolCallTurn(JsonNode? node, out JsonObject message)
    {
        message = node as JsonObject ?? new JsonObject();
        return JsonFields.String(message["role"]) == "assistant" && message["tool_calls"] is JsonArray { Count: > 0 };
    }

    /// <summary>A string content, or the text parts of an array content joined; <see langword="null"/> for none.</summary>
    private static string? ContentText(JsonNode? content) => content switch
    {
        JsonValue => JsonFields.String(content),
        JsonArray parts => string.Concat(parts.OfType<JsonObject>().Select(p => JsonFields.String(p["text"]))),
        _ => null,
    };
}
