using CursorAspire.Proxy.Wire;
using Microsoft.Extensions.AI;
using CursorAspire.Proxy.Errors;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Continues a stored conversation when a request names <c>previous_response_id</c>, on <c>…/responses</c> and on
/// <c>…/chat/completions</c> alike: the stored messages go after the request's own instructions and before its input.
/// </summary>
public sealed class ConversationContinuation(ConversationStore store)
{
    /// <summary>
    /// Prepends the stored conversation to <paramref name="request"/>. Returns the stored response, or null when the
    /// request continues nothing.
    /// </summary>
    /// <exception cref="ProxyException">404 <c>previous_response_not_found</c>: unknown, expired, or another key's.</exception>
    public async Task<StoredResponse?> PrependAsync(ParsedChatRequest request, string keyId, CancellationToken cancellationToken)
    {
        if (request.PreviousResponseId is not { } previousId)
        {
            return null;
        }
        StoredResponse? stored;
        try
        {
            stored = await store.LoadAsync(keyId, previousId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Redis down or an unreadable entry: say so, rather than a bare 500.
            throw new ProxyException(
                StatusCodes.Status503ServiceUnavailable,
                $"The conversation store could not be read to continue '{previousId}' ({ex.GetType().Name}). Check the cache (Redis) and try again.",
                OpenAIError.Server,
                "conversation_store_unavailable",
                "previous_response_id",
                ex);
        }
        if (stored is null)
        {
            throw new ProxyException(
                StatusCodes.Status404NotFound,
                $"Previous response with id '{previousId}' not found. Stored responses expire after Proxy:Conversations:Ttl and are visible only to the API key that created them.",
                OpenAIError.InvalidRequest,
                "previous_response_not_found",
                "previous_response_id");
        }

        // Instructions are not inherited (OpenAI's rule): the request's own stay first, then the stored turns.
        var at = 0;
        while (at < request.Messages.Count && ResponsesRequestReader.IsInstructions(request.Messages[at]))
        {
            at++;
        }
        request.Messages.InsertRange(at, stored.Messages);
        return stored;
    }

    /// <summary>The messages to store for a response: the request's conversation without instructions, then the output.</summary>
    public static List<ChatMessage> ConversationToStore(ParsedChatRequest request, IEnumerable<ChatMessage> output)
    {
        var messages = new List<ChatMessage>(request.Messages.Count + 1);
        foreach (var message in request.Messages)
        {
            if (!ResponsesRequestReader.IsInstructions(message))
            {
                messages.Add(message);
            }
        }
        messages.AddRange(output);
        return messages;
    }
}
