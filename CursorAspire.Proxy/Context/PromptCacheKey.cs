using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Context;

/// <summary>
/// A stable key per API key and conversation (OpenAI's <c>prompt_cache_key</c>), so an agent session's requests land on
/// the same provider prompt cache and its repeated prefix is billed at the cached price. Travels on the request's
/// <see cref="ChatCallContext"/>; the provider adapters that have such a field send it.
/// </summary>
public static class PromptCacheKey
{
    /// <summary>
    /// The key for <paramref name="request"/> made by <paramref name="keyId"/>: from the conversation id the client
    /// gave, else from the conversation's first user message (the same on every turn of a session). Hashed: it must
    /// identify the session to the provider without telling it anything.
    /// </summary>
    public static string For(ParsedChatRequest request, string keyId)
    {
        var conversation = request.ConversationId
            ?? request.Messages.FirstOrDefault(m => m.Role == ChatRole.User)?.Text
            ?? string.Empty;
        // Hashed from pooled UTF-8 bytes, not from a joined string and its copy: the first user message can be long.
        var text = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(keyId) + 1 + Encoding.UTF8.GetByteCount(conversation));
        try
        {
            var length = Encoding.UTF8.GetBytes(keyId, text);
            text[length++] = (byte)'\n';
            length += Encoding.UTF8.GetBytes(conversation, text.AsSpan(length));
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(text.AsSpan(0, length), hash);
            return "cursoraspire-" + Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(text);
        }
    }
}
