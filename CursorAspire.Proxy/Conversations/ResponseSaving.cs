using System.Text;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Storage;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Saves a Responses turn (<c>store</c>, default true) so a follow-up naming it as <c>previous_response_id</c> finds it:
/// what the turn added to its conversation, after the conversation it continued, for the key that made it, within what
/// the key may keep (<c>Proxy:Keys:&lt;name&gt;:StoredBytes</c>: its oldest turns make room). While the store is down
/// (its breaker open) nothing is tried; a save that fails is logged, and the answer is still good. A replay from the
/// response cache stores nothing: it cost nothing, and storing it again would let a key fill the store for free.
/// </summary>
public sealed partial class ResponseSaving(ConversationStore store, StateStore state, ILogger<ResponseSaving> logger)
{
    /// <summary>Where <paramref name="turn"/>'s response would be saved, and whether to try at all.</summary>
    /// <param name="turn">The routed request.</param>
    /// <param name="continued">The stored conversation it continues, if any.</param>
    /// <param name="requestBytes">The request body's size, which the stored conversation grows by.</param>
    /// <exception cref="ProxyException">
    /// 400 <c>conversation_too_large</c>: this conversation alone is more than the key may store, so no dropping of older
    /// ones could make room; refused before anything goes upstream.
    /// </exception>
    public ResponseSave Plan(ChatTurn turn, StoredConversation? continued, long requestBytes)
    {
        var key = turn.Key;
        var size = (continued?.Bytes ?? 0) + requestBytes;
        if (turn.Request.Store && size > key.Policy.StoredBytes)
        {
            throw new ProxyException(StatusCodes.Status400BadRequest,
                $"This conversation would be about {size:N0} bytes stored, more than API key '{key.Name}' may keep in all (Proxy:Keys:{key.Name}:StoredBytes, {key.Policy.StoredBytes:N0} bytes). " +
                "Older conversations are dropped to make room, but one alone cannot be larger. Start a new conversation, send it with \"store\": false, or raise the limit.",
                OpenAIError.InvalidRequest, "conversation_too_large", continued is null ? "input" : "previous_response_id");
        }
        return new(turn.Call.KeyId, continued, turn.Request.Store && state.IsAvailable);
    }

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
        if (!save.Wanted || turn.FromResponseCache)
        {
            return !request.Store;
        }
        // Reasoning items stay with the conversation, for the provider that wrote them (previous_response_id chains).
        ReasoningProvenance.Tag(output, turn.AnsweringRoute.ProviderName);
        var stored = new StoredResponse(responseId, request.Model, ConversationContinuation.ConversationToStore(request, output, save.Continued), Encoding.UTF8.GetString(responseJson));
        try
        {
            await store.SaveAsync(save.KeyId, stored, save.Continued, turn.Key.Policy.StoredBytes, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only a later continuation of it will fail (with a clear 404).
            LogNotStored(logger, ex, responseId);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store response {ResponseId}; previous_response_id will not find it.")]
    private static partial void LogNotStored(ILogger logger, Exception exception, string responseId);
}
