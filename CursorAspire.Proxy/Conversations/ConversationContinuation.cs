using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Responses;

namespace CursorAspire.Proxy.Conversations;

/// <summary>
/// Continues a stored conversation when a request names <c>previous_response_id</c>, on <c>…/responses</c> and on
/// <c>…/chat/completions</c> alike: the stored messages go after the request's own instructions and before its input.
/// </summary>
public sealed class ConversationContinuation(ConversationStore store, IOptions<ConversationOptions> options)
{
    private readonly long _maxBytes = options.Value.MaxBytes;

    /// <summary>
    /// Prepends the stored conversation to <paramref name="request"/>. Returns it, or null when the request continues
    /// nothing.
    /// </summary>
    /// <param name="request">The parsed request.</param>
    /// <param name="keyId">The caller's key identity: only its own conversations are found.</param>
    /// <param name="requestBytes">The request body's size, which the conversation would grow by.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <exception cref="ProxyException">
    /// 404 <c>previous_response_not_found</c> (unknown, expired, or another key's); 400 <c>conversation_too_large</c>
    /// past <c>Proxy:Conversations:MaxBytes</c>; 503 <c>conversation_store_unavailable</c> when the store cannot be read.
    /// </exception>
    public async Task<StoredConversation?> PrependAsync(ParsedChatRequest request, string keyId, long requestBytes, CancellationToken cancellationToken)
    {
        if (request.PreviousResponseId is not { } previousId)
        {
            return null;
        }
        StoredConversation? stored;
        try
        {
            stored = await store.LoadConversationAsync(keyId, previousId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw Unavailable(previousId, ex);
        }
        if (stored is null)
        {
            throw new ProxyException(
                StatusCodes.Status404NotFound,
                $"Previous response with id '{CallerText.Cap(previousId)}' not found. Stored responses expire after Proxy:Conversations:Ttl (every turn of a conversation counts) and are visible only to the API key that created them.",
                OpenAIError.InvalidRequest,
                "previous_response_not_found",
                "previous_response_id");
        }
        if (stored.Bytes + requestBytes > _maxBytes)
        {
            throw new ProxyException(
                StatusCodes.Status400BadRequest,
                $"This conversation has grown to {stored.Bytes:N0} bytes, past Proxy:Conversations:MaxBytes ({_maxBytes:N0}). Start a new conversation (without previous_response_id), or raise the limit.",
                OpenAIError.InvalidRequest,
                "conversation_too_large",
                "previous_response_id");
        }

        // Instructions are not inherited (OpenAI's rule): the request's own stay first, then the stored turns.
        request.Messages.InsertRange(InstructionCount(request), stored.Messages);
        return stored;
    }

    /// <summary>
    /// What a turn adds to its conversation: the request's own input (without instructions and without the stored turns
    /// <paramref name="continued"/> put before it), then the output.
    /// </summary>
    public static List<ChatMessage> ConversationToStore(ParsedChatRequest request, IEnumerable<ChatMessage> output, StoredConversation? continued = null)
    {
        var skip = InstructionCount(request);
        var prepended = continued?.Messages.Count ?? 0;
        var messages = new List<ChatMessage>(request.Messages.Count + 1);
        for (var i = skip + prepended; i < request.Messages.Count; i++)
        {
            if (!ResponsesRequestReader.IsInstructions(request.Messages[i]))
            {
                messages.Add(request.Messages[i]);
            }
        }
        messages.AddRange(output);
        return messages;
    }

    /// <summary>A 503 saying the conversation store could not be read.</summary>
    /// <param name="responseId">The response that was asked for.</param>
    /// <param name="ex">What failed.</param>
    /// <param name="param">The request field that named it.</param>
    public static ProxyException Unavailable(string responseId, Exception ex, string param = "previous_response_id") => new(
        StatusCodes.Status503ServiceUnavailable,
        $"The conversation store (Redis) could not be read for '{CallerText.Cap(responseId)}' ({ex.GetType().Name}). Check the cache and try again; the proxy recovers by itself when Redis is back.",
        OpenAIError.Server,
        "conversation_store_unavailable",
        param,
        ex);

    private static int InstructionCount(ParsedChatRequest request)
    {
        var at = 0;
        while (at < request.Messages.Count && ResponsesRequestReader.IsInstructions(request.Messages[at]))
        {
            at++;
        }
        return at;
    }
}
