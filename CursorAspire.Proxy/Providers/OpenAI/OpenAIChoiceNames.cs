namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// The names a choice carries (<c>role</c>, <c>finish_reason</c>) as M.E.AI 10.11's OpenAI client mapped the SDK's: OpenAI's
/// own spellings first, without a string; any other case by its upper-case form; a name neither knows, as sent.
/// </summary>
internal static class OpenAIChoiceNames
{
    /// <summary>The role the reader is on (a string); one M.E.AI does not know, as sent.</summary>
    public static ChatRole Role(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("assistant"u8) ? ChatRole.Assistant : RoleNamed(reader.GetString()!);

    private static ChatRole RoleNamed(string value) => value.ToUpperInvariant() switch
    {
        "ASSISTANT" => ChatRole.Assistant,
        "SYSTEM" => ChatRole.System,
        "USER" => ChatRole.User,
        "TOOL" => ChatRole.Tool,
        "DEVELOPER" => new ChatRole("developer"),
        "FUNCTION" => new ChatRole("Function"), // M.E.AI named it by the SDK's enum value
        _ => new ChatRole(value),
    };

    /// <summary>
    /// The finish reason the reader is on (a string; <c>function_call</c> as tool calls). One the SDK did not know made it
    /// throw and the stream fail; here it is kept as sent, so an upstream's own reason does not lose the answer.
    /// </summary>
    public static ChatFinishReason FinishReason(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("stop"u8) ? ChatFinishReason.Stop
        : reader.ValueTextEquals("tool_calls"u8) ? ChatFinishReason.ToolCalls
        : reader.ValueTextEquals("length"u8) ? ChatFinishReason.Length
        : FinishReasonNamed(reader.GetString()!);

    private static ChatFinishReason FinishReasonNamed(string value) => value.ToUpperInvariant() switch
    {
        "STOP" => ChatFinishReason.Stop,
        "LENGTH" => ChatFinishReason.Length,
        "CONTENT_FILTER" => ChatFinishReason.ContentFilter,
        "TOOL_CALLS" or "FUNCTION_CALL" => ChatFinishReason.ToolCalls,
        _ => new ChatFinishReason(value),
    };
}
