using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>A request taken in: its body (kept until the answer is sent), its turn, and the stored conversation it continues.</summary>
public sealed class ChatIntakeResult(JsonDocument body, ChatTurn turn, StoredConversation? continued) : IDisposable
{
    /// <summary>The body's root object.</summary>
    public JsonElement Root => body.RootElement;

    /// <summary>The routed request.</summary>
    public ChatTurn Turn { get; } = turn;

    /// <summary>The stored conversation the request continues (<c>previous_response_id</c>), if any.</summary>
    public StoredConversation? Continued { get; } = continued;

    public void Dispose() => body.Dispose();
}
