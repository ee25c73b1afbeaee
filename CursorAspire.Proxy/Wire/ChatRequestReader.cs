using System.Text.Json;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Entry of the wire-in stage for <c>…/chat/completions</c>: decides the body shape by the body itself
/// (<c>messages</c> → Chat Completions, <c>input</c> → Responses-shaped, as Cursor's agent mode sends) and reads it.
/// </summary>
public static class ChatRequestReader
{
    public static ParsedChatRequest Read(JsonElement root)
    {
        // First: even looking a member up fails on a broken escape in a member name.
        JsonTextValidator.EnsureValidText(root);
        if (root.TryGetProperty("messages", out _))
        {
            return ChatCompletionsRequestReader.ReadValidated(root);
        }
        if (root.TryGetProperty("input", out _))
        {
            return ResponsesRequestReader.ReadValidated(root);
        }
        throw new WireFormatException("The request body must have a 'messages' array (Chat Completions) or an 'input' (Responses).", "messages");
    }
}
