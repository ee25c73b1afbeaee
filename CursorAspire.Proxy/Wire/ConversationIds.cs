using CursorAspire.Proxy.Wire.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>What a body says about the conversation it belongs to (tolerantly: these fields are hints, never required).</summary>
internal static class ConversationIds
{
    /// <summary>Cursor's <c>metadata.cursorConversationId</c>, else a client-chosen <c>prompt_cache_key</c>, else null.</summary>
    public static string? Read(JsonElement root) =>
        root.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object && metadata.GetStringOrNull("cursorConversationId") is { Length: > 0 } cursor
            ? cursor
            : root.GetStringOrNull("prompt_cache_key") is { Length: > 0 } chosen ? chosen : null;
}
