namespace CursorAspire.Proxy.Tests.Compaction;

/// <summary>What an Ollama request the stand-in received holds, read from its bytes.</summary>
internal static class UpstreamPrompt
{
    /// <summary>Where each element of the body's <c>messages</c> array starts, in bytes.</summary>
    public static List<int> MessageOffsets(RecordedRequest request)
    {
        var offsets = new List<int>();
        var reader = new Utf8JsonReader(request.BodyBytes.Span);
        var inMessages = false;
        while (reader.Read())
        {
            if (reader.CurrentDepth == 1 && reader.TokenType == JsonTokenType.PropertyName)
            {
                inMessages = reader.ValueTextEquals("messages");
            }
            else if (inMessages && reader.CurrentDepth == 2 && reader.TokenType == JsonTokenType.StartObject)
            {
                offsets.Add(checked((int)reader.TokenStartIndex));
            }
        }
        return offsets;
    }

    /// <summary>The raw JSON of the body's member <paramref name="name"/>.</summary>
    public static string Raw(RecordedRequest request, string name) => request.JsonElement!.Value.GetProperty(name).GetRawText();

    /// <summary>
    /// The prompt's size as the model would count it, about: four characters a token over every text the messages carry
    /// (contents, thinking, tool-call arguments) and the tool declarations. Counted here, apart from the proxy's own estimate.
    /// </summary>
    public static long Tokens(RecordedRequest request)
    {
        var body = request.JsonElement!.Value;
        long characters = body.TryGetProperty("tools", out var tools) ? tools.GetRawText().Length : 0;
        foreach (var message in body.GetProperty("messages").EnumerateArray())
        {
            characters += message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String ? content.GetString()!.Length : 0;
            characters += message.TryGetProperty("thinking", out var thinking) && thinking.ValueKind == JsonValueKind.String ? thinking.GetString()!.Length : 0;
            if (message.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            {
                characters += calls.EnumerateArray().Sum(c => c.GetProperty("function").GetRawText().Length);
            }
        }
        return characters / 4;
    }

    public static int NumCtx(RecordedRequest request) => (int)request.Json!["options"]!["num_ctx"]!;
}
