using System.Text;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Saves a Responses turn (<c>store</c>, default true) so a follow-up naming it as <c>previous_response_id</c> finds it:
/// what the turn added to its conversation, after the conversation it continued, for the key that made it. While the
/// store is down (its breaker open) nothing is tried; a save that fails is logged, and the answer is still good.
/// </summary>
public sealed class ResponseSaving(ConversationStore store, StateStore state, ILogger<ResponseSaving> logger)
{
    /// <summary>Where <paramref name="turn"/>'s response would be saved, and whether to try at all.</summary>
    public ResponseSave Plan(ChatTurn turn, StoredConversation? continued) =>
        new(turn.Call.KeyId, continued, turn.Request.Store && state.IsAvailable);

    /// <summary>Saves the response when asked to; false when it was asked to and could not.</summary>
    /// <param name="turn">The answered request.</param>
    /// <param name="save">Where it goes (<see cref="Plan"/>).</param>
    /// <param name="responseId">The response's id.</param>
    /// <param name="responseJson">The response object as the client gets it.</param>
    /// <param name="output">The answer's messages.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async Task<bool> SaveAsync(ChatTurn turn, ResponseSave save, string responseId, byte[] responseJson, IList<ChatMessage> output, CancellationToken cancellationToken)
    {
        var request = turn.Request;
        if (!save.Wanted)
        {
            return !request.Store;
        }
        // Reasoning items stay with the conversation, for the provider that wrote them (previous_response_id chains).
        ReasoningProvenance.Tag(output, turn.AnsweringRoute.ProviderName);
        var stored = new StoredResponse(responseId, request.Model, ConversationContinuation.ConversationToStore(request, output, save.Continued), Encoding.UTF8.GetString(responseJson));
        try
        {
            await store.SaveAsync(save.KeyId, stored, save.Continued, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only a later continuation of it will fail (with a clear 404).
            logger.LogWarning(ex, "Could not store response {ResponseId}; previous_response_id will not find it.", responseId);
            return false;
        }
    }
}
