namespace CursorAspire.Proxy.Conversations;

/// <summary>A stored conversation up to one response: every turn's items, root first.</summary>
/// <param name="Messages">The whole conversation, without instructions.</param>
/// <param name="ResponseIds">The ids of its turns, root first; the last is the response it ends with.</param>
/// <param name="Bytes">Its stored size, which <c>Proxy:Conversations:MaxBytes</c> caps.</param>
public sealed record StoredConversation(IReadOnlyList<ChatMessage> Messages, IReadOnlyList<string> ResponseIds, long Bytes);
