using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Conversations;

/// <summary>One stored response: the whole conversation up to and including its output, and the response object.</summary>
/// <param name="ResponseId">The response's id (<c>resp_…</c>).</param>
/// <param name="Model">The model name as the client sent it.</param>
/// <param name="Messages">Every message of the conversation (all earlier turns, this request's input, this response's output), without instructions.</param>
/// <param name="ResponseJson">The <c>response</c> object as it was sent to the client.</param>
public sealed record StoredResponse(string ResponseId, string Model, IReadOnlyList<ChatMessage> Messages, string ResponseJson);
