namespace CursorAspire.Proxy.Conversations;

/// <summary>Where a response would be saved: for whom, after which stored conversation, and whether to try at all.</summary>
public sealed record ResponseSave(string KeyId, StoredConversation? Continued, bool Wanted);
