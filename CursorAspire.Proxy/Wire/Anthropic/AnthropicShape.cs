namespace CursorAspire.Proxy.Wire.Anthropic;

/// <summary>
/// Whether a <c>messages</c> body is Anthropic-shaped, decided per request by the body alone (Cursor sends this shape for
/// any model name containing <c>claude</c>, and the model name never decides): any one sign is enough.
/// </summary>
/// <remarks>
/// The signs, none of which a Chat Completions body carries: a top-level <c>system</c>; a tool with an
/// <c>input_schema</c>; a <c>tool_choice</c> object whose <c>type</c> is <c>auto</c>, <c>any</c>, <c>tool</c> or
/// <c>none</c>; a content block of Anthropic's own (<c>tool_use</c>, <c>tool_result</c>, <c>thinking</c>,
/// <c>redacted_thinking</c>, an <c>image</c> with a <c>source</c>). Looks members up without reading them: no allocation.
/// </remarks>
internal static class AnthropicShape
{
    public static bool Is(JsonElement root) =>
        root.TryGetProperty("system", out _)
        || HasAnthropicTool(root)
        || HasAnthropicToolChoice(root)
        || HasAnthropicBlock(root);

    private static bool HasAnthropicTool(JsonElement root)
    {
        if (!root.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var tool in tools.EnumerateArray())
        {
            if (tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("input_schema", out _))
            {
                return true;
            }
        }
        return false;
    }

    private static bool HasAnthropicToolChoice(JsonElement root) =>
        root.TryGetProperty("tool_choice", out var choice)
        && choice.ValueKind == JsonValueKind.Object
        && choice.TryGetProperty("type", out var type)
        && type.ValueKind == JsonValueKind.String
        && (type.ValueEquals("auto"u8) || type.ValueEquals("any"u8) || type.ValueEquals("tool"u8) || type.ValueEquals("none"u8));

    private static bool HasAnthropicBlock(JsonElement root)
    {
        if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        foreach (var message in messages.EnumerateArray())
        {
            if (message.ValueKind != JsonValueKind.Object || !message.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.Array)
            {
                continue;
            }
            foreach (var block in content.EnumerateArray())
            {
                if (block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                    && (type.ValueEquals("tool_use"u8) || type.ValueEquals("tool_result"u8) || type.ValueEquals("thinking"u8)
                        || type.ValueEquals("redacted_thinking"u8) || (type.ValueEquals("image"u8) && block.TryGetProperty("source", out _))))
                {
                    return true;
                }
            }
        }
        return false;
    }
}
