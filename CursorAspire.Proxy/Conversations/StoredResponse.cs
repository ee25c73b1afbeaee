namespace CursorAspire.Proxy.Conversations;

/// <summary>One stored response: the items this turn added to its conversation, and the response object.</summary>
/// <param name="ResponseId">The response's id (<c>resp_…</c>).</param>
/// <param name="Model">The model name as the client sent it.</param>
/// <param name="Messages">
/// What this turn added: its input (without instructions and without the earlier turns it continued) and its output.
/// The whole conversation is the chain of these, root first (<see cref="StoredConversation"/>).
/// </param>
/// <param name="ResponseJson">The <c>response</c> object as it was sent to the client.</param>
public sealed record StoredResponse(string ResponseId, string Model, IReadOnlyList<ChatMessage> Messages, string ResponseJson)
{
    /// <summary>The ids of the turns before this one, root first; empty for a conversation's first turn.</summary>
    public IReadOnlyList<string> Ancestors { get; init; } = [];

    /// <summary>The stored size of the whole chain up to and including this turn, in bytes.</summary>
    public long ChainBytes { get; init; }
}
