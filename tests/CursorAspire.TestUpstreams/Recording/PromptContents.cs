namespace CursorAspire.TestUpstreams;

/// <summary>
/// What a request body says to the model beyond the last question: its system prompt and its tool results, read out of
/// either wire dialect so a test can check that everything a client sent arrived upstream, byte for byte.
/// </summary>
/// <param name="SystemTexts">Each system text in order (a string system prompt is one text; each text block is one).</param>
/// <param name="ToolResults">Every tool result in order.</param>
public sealed record PromptContents(IReadOnlyList<string> SystemTexts, IReadOnlyList<PromptToolResult> ToolResults)
{
    /// <summary>Reads a body (empty contents for one that is not a JSON object).</summary>
    public static PromptContents Of(JsonNode? body, WireDialect dialect)
    {
        var system = new List<string>();
        var results = new List<PromptToolResult>();
        if (body is not JsonObject root)
        {
            return new PromptContents(system, results);
        }

        if (dialect == WireDialect.AnthropicMessages)
        {
            AddTexts(root["system"], system);
        }

        foreach (var message in root["messages"] as JsonArray ?? [])
        {
            var role = JsonFields.String(message?["role"]);
            switch (dialect)
            {
                case WireDialect.ChatCompletions when role is "system" or "developer":
                    AddTexts(message!["content"], system);
                    break;
                case WireDialect.ChatCompletions when role == "tool":
                    results.Add(Result(JsonFields.String(message!["tool_call_id"]), message["content"], isError: false));
                    break;
                case WireDialect.AnthropicMessages when (message?["content"] is JsonArray blocks):
                    foreach (var block in blocks.OfType<JsonObject>().Where(b => JsonFields.String(b["type"]) == "tool_result"))
                    {
                        results.Add(Result(JsonFields.String(block["tool_use_id"]), block["content"], JsonFields.IsTrue(block["is_error"])));
                    }
                    break;
            }
        }

        return new PromptContents(system, results);
    }

    private static PromptToolResult Result(string? callId, JsonNode? content, bool isError)
    {
        var texts = new List<string>();
        AddTexts(content, texts);
        var images = content is JsonArray parts
            ? parts.OfType<JsonObject>().Count(p => JsonFields.String(p["type"]) is "image" or "image_url")
            : 0;
        return new PromptToolResult(callId, texts, images, isError, content?.DeepClone());
    }

    /// <summary>A string, or the <c>text</c> of each text part/block of an array.</summary>
    private static void AddTexts(JsonNode? content, List<string> texts)
    {
        switch (content)
        {
            case JsonValue value when value.TryGetValue<string>(out var text):
                texts.Add(text);
                break;
            case JsonArray parts:
                texts.AddRange(parts.OfType<JsonObject>()
                    .Where(p => JsonFields.String(p["type"]) is "text" or "input_text")
                    .Select(p => JsonFields.String(p["text"]) ?? string.Empty));
                break;
        }
    }
}
