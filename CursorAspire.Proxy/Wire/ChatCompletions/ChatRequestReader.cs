using CursorAspire.Proxy.Wire.Anthropic;
using CursorAspire.Proxy.Wire.Json;
using CursorAspire.Proxy.Wire.Responses;

namespace CursorAspire.Proxy.Wire.ChatCompletions;

/// <summary>
/// Entry of the wire-in stage for <c>…/chat/completions</c>: decides the body shape by the body itself
/// (<c>messages</c> → Chat Completions, or Anthropic-shaped when <see cref="AnthropicShape"/> sees its signs, as Cursor
/// sends for Claude model names; <c>input</c> → Responses-shaped, as Cursor's agent mode sends) and reads it.
/// </summary>
/// <remarks>
/// Each dialect's reader lives in its protocol's folder (<c>Wire/ChatCompletions/</c>, <c>Wire/Anthropic/</c>, <c>Wire/Responses/</c>) and
/// ends in the same <see cref="ParsedChatRequest"/>; another dialect is a folder of its own (its reader and its
/// <see cref="RequestShape"/>) and one more branch here.
/// </remarks>
public static class ChatRequestReader
{
    public static ParsedChatRequest Read(JsonElement root)
    {
        // First: even looking a member up fails on a broken escape in a member name.
        JsonTextValidator.EnsureValidText(root);
        if (root.TryGetProperty("messages", out _))
        {
            return AnthropicShape.Is(root) ? AnthropicRequestReader.ReadValidated(root) : ChatCompletionsRequestReader.ReadValidated(root);
        }
        if (root.TryGetProperty("input", out _))
        {
            return ResponsesRequestReader.ReadValidated(root);
        }
        throw new WireFormatException("The request body must have a 'messages' array (Chat Completions) or an 'input' (Responses).", "messages");
    }
}
