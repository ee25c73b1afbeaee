namespace CursorAspire.Proxy.Wire.Responses;

/// <summary>
/// Writes OpenAI's <c>response</c> object (the non-streamed body, and the payload of <c>response.created</c>,
/// <c>response.in_progress</c>, <c>response.completed</c>/<c>incomplete</c>/<c>failed</c>) and its output items.
/// </summary>
internal static class ResponseObjectWriter
{
    /// <param name="json">Where to write.</param>
    /// <param name="envelope">The echoed request facts.</param>
    /// <param name="status"><c>in_progress</c>, <c>completed</c>, <c>incomplete</c> or <c>failed</c>.</param>
    /// <param name="output">The output items (empty while in progress).</param>
    /// <param name="usage">Token counts, already estimated where the upstream gave none; null while in progress.</param>
    /// <param name="error">The failure message for <c>failed</c>.</param>
    public static void Write(
        Utf8JsonWriter json,
        ResponseEnvelope envelope,
        string status,
        IReadOnlyList<ResponseOutputItem> output,
        UsageDetails? usage,
        string? error = null)
    {
        json.WriteStartObject();
        json.WriteString("id", envelope.Id);
        json.WriteString("object", "response");
        json.WriteNumber("created_at", envelope.CreatedAt);
        json.WriteString("status", status);
        if (error is null)
        {
            json.WriteNull("error");
        }
        else
        {
            json.WriteStartObject("error");
            json.WriteString("code", "server_error");
            json.WriteString("message", error);
            json.WriteEndObject();
        }
        if (status == "incomplete")
        {
            json.WriteStartObject("incomplete_details");
            json.WriteString("reason", "max_output_tokens");
            json.WriteEndObject();
        }
        else
        {
            json.WriteNull("incomplete_details");
        }
        WriteStringOrNull(json, "instructions", envelope.Instructions);
        if (envelope.MaxOutputTokens is { } max)
        {
            json.WriteNumber("max_output_tokens", max);
        }
        else
        {
            json.WriteNull("max_output_tokens");
        }
        json.WriteString("model", envelope.Model);

        json.WriteStartArray("output");
        foreach (var item in output)
        {
            WriteItem(json, item, item.Done ? "completed" : "in_progress");
        }
        json.WriteEndArray();

        json.WriteBoolean("parallel_tool_calls", envelope.ParallelToolCalls);
        WriteStringOrNull(json, "previous_response_id", envelope.PreviousResponseId);
        WriteRawOr(json, "reasoning", envelope.ReasoningJson, null);
        json.WriteBoolean("store", envelope.Store);
        WriteNumberOrNull(json, "temperature", envelope.Temperature);
        WriteRawOr(json, "text", envelope.TextJson, """{"format":{"type":"text"}}""");
        WriteRawOr(json, "tool_choice", envelope.ToolChoiceJson, "\"auto\"");
        WriteRawOr(json, "tools", envelope.ToolsJson, "[]");
        WriteNumberOrNull(json, "top_p", envelope.TopP);
        json.WriteString("truncation", "disabled");
        if (usage is null)
        {
            json.WriteNull("usage");
        }
        else
        {
            var input = usage.InputTokenCount ?? 0;
            var outputTokens = usage.OutputTokenCount ?? 0;
            json.WriteStartObject("usage");
            json.WriteNumber("input_tokens", input);
            json.WriteStartObject("input_tokens_details");
            json.WriteNumber("cached_tokens", usage.CachedInputTokenCount ?? 0);
            json.WriteEndObject();
            json.WriteNumber("output_tokens", outputTokens);
            json.WriteStartObject("output_tokens_details");
            json.WriteNumber("reasoning_tokens", usage.ReasoningTokenCount ?? 0);
            json.WriteEndObject();
            json.WriteNumber("total_tokens", input + outputTokens);
            json.WriteEndObject();
        }
        WriteStringOrNull(json, "user", envelope.User);
        WriteRawOr(json, "metadata", envelope.MetadataJson, "{}");
        json.WriteEndObject();
    }

    /// <summary>Writes one output item with the given status.</summary>
    public static void WriteItem(Utf8JsonWriter json, ResponseOutputItem item, string status)
    {
        json.WriteStartObject();
        json.WriteString("id", item.Id);
        switch (item.Kind)
        {
            case ResponseOutputItemKind.Message:
                json.WriteString("type", "message");
                json.WriteString("status", status);
                json.WriteString("role", "assistant");
                json.WriteStartArray("content");
                if (item.Done || item.Text.Length > 0)
                {
                    WriteOutputTextPart(json, item.Text.ToString());
                }
                json.WriteEndArray();
                break;
            case ResponseOutputItemKind.Reasoning:
                json.WriteString("type", "reasoning");
                json.WriteStartArray("summary");
                json.WriteEndArray();
                json.WriteStartArray("content");
                if (item.Done || item.Text.Length > 0)
                {
                    WriteReasoningTextPart(json, item.Text.ToString());
                }
                json.WriteEndArray();
                json.WriteString("status", status);
                break;
            case ResponseOutputItemKind.FunctionCall or ResponseOutputItemKind.CustomToolCall:
                // The same item but for its type and the name of its input: a custom tool's is free-form text.
                var custom = item.Kind == ResponseOutputItemKind.CustomToolCall;
                json.WriteString("type", custom ? "custom_tool_call" : "function_call");
                json.WriteString("status", status);
                json.WriteString("call_id", item.CallId);
                json.WriteString("name", item.Name);
                json.WriteString(custom ? "input" : "arguments", item.Done ? item.Arguments : string.Empty);
                break;
        }
        json.WriteEndObject();
    }

    public static void WriteOutputTextPart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "output_text");
        json.WriteString("text", text);
        json.WriteStartArray("annotations");
        json.WriteEndArray();
        json.WriteStartArray("logprobs");
        json.WriteEndArray();
        json.WriteEndObject();
    }

    public static void WriteReasoningTextPart(Utf8JsonWriter json, string text)
    {
        json.WriteStartObject();
        json.WriteString("type", "reasoning_text");
        json.WriteString("text", text);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    private static void WriteNumberOrNull(Utf8JsonWriter json, string name, float? value)
    {
        if (value is { } number)
        {
            json.WriteNumber(name, number);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteRawOr(Utf8JsonWriter json, string name, string? raw, string? fallback)
    {
        json.WritePropertyName(name);
        if ((raw ?? fallback) is { } value)
        {
            json.WriteRawValue(value, skipInputValidation: true);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
