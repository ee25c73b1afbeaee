using System.Text;
using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Reasoning;
using CursorAspire.Proxy.Storage;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Responses;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/responses</c>, the real OpenAI Responses API (for clients other than Cursor): wire in ► continue a stored
/// conversation ► route ► IChatClient pipeline ► a <c>response</c> object or its named SSE events ► store.
/// </summary>
/// <remarks>
/// A stored response (<c>store</c>, default true) is written before the client sees it complete, so a follow-up naming
/// it as <c>previous_response_id</c> never races the store. Stored conversations belong to the API key that made them.
/// While the store is down (its breaker open) a <c>store: true</c> request is still answered, with
/// <c>"store": false</c> in the response and the header <see cref="StoredHeader"/><c>: false</c>; a non-streamed
/// response whose store fails says so the same way.
/// </remarks>
public sealed class ResponsesEndpoint(
    ChatTurnFactory turns,
    UpstreamCall calls,
    EventStreamResponder stream,
    ConversationContinuation continuation,
    ConversationStore store,
    StateStore state,
    UsageAccounting usage,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    ILogger<ResponsesEndpoint> logger)
{
    /// <summary>The response header that says a <c>store: true</c> response was not stored.</summary>
    public const string StoredHeader = "x-cursoraspire-stored";

    private readonly ProxyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        // The body lives until the answer is sent: tool declarations point into it.
        using var document = await RequestBodyLimits.ReadJsonAsync(context, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        var root = document.RootElement;
        // Read first: the reader checks the body's text before anything looks members up.
        var request = ResponsesRequestReader.Read(root);
        if (!root.TryGetProperty("input", out _) && request.PreviousResponseId is null)
        {
            throw new WireFormatException("The request body must have an 'input' (a string or an array of input items).", "input");
        }
        var envelope = ResponseEnvelope.FromRequest(root, $"resp_{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds());

        var keyId = ApiKeyAuthenticationHandler.KeyId(context);
        var continued = await continuation.PrependAsync(request, keyId, context.Request.ContentLength ?? 0, context.RequestAborted).ConfigureAwait(false);
        if (request.Messages.Count == 0)
        {
            throw new WireFormatException("'input' is empty: send at least one message.", "input");
        }

        var cache = context.ScopeResponseCache(keyId);
        var turn = turns.Create(request, "ResponsesApi", ApiKeyIdentity.Of(context), cache);
        context.Features.Set(turn.Call);

        var writer = new ResponseEventWriter(envelope, _options.ReasoningOutput, request.CustomToolNames)
        {
            EstimatedPromptTokens = turn.EstimatedPromptTokens,
        };
        var save = new Save(keyId, continued, request.Store && state.IsAvailable);
        if (request.Store && !save.Wanted)
        {
            // Redis is known to be down: answer anyway, and say that this response cannot be continued.
            NotStored(context, envelope);
        }
        if (request.Stream)
        {
            await stream.RespondAsync(context, turn, cache, () => writer,
                (received, aborted) => StoreStreamedAsync(context, turn, writer, envelope, received, save, aborted)).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, turn, cache, writer, envelope, save).ConfigureAwait(false);
        }
    }

    /// <summary><c>GET /v1/responses/{id}</c>: a stored response object, for the key that stored it.</summary>
    public async Task HandleGetAsync(HttpContext context, string responseId)
    {
        StoredResponse? stored;
        try
        {
            stored = await store.LoadAsync(ApiKeyAuthenticationHandler.KeyId(context), responseId, context.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw ConversationContinuation.Unavailable(responseId, ex, "response_id");
        }
        if (stored is null)
        {
            throw new ProxyException(StatusCodes.Status404NotFound,
                $"Response with id '{CallerText.Cap(responseId)}' not found. Only stored responses (store: true) of this API key can be read, until Proxy:Conversations:Ttl passes.",
                OpenAIError.InvalidRequest, "response_not_found", "response_id");
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stored.ResponseJson, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context, ChatTurn turn, ResponseCacheScope cache, ResponseEventWriter writer, ResponseEnvelope envelope, Save save)
    {
        var aborted = context.RequestAborted;
        var result = await usage.CountingAbandonedAsync(turn, calls.CompleteAsync, CheckRequestHeader.IsPresent(context), aborted).ConfigureAwait(false);
        foreach (var update in result.ToChatResponseUpdates())
        {
            writer.WriteUpdate(update, output: null);
        }
        writer.CloseOutput(output: null);
        var final = writer.BuildResponse(turn.EstimatedPromptTokens, result.Usage);
        if (!await StoreAsync(turn, writer, final, result.Messages, save, aborted).ConfigureAwait(false))
        {
            NotStored(context, envelope);
            final = writer.BuildResponse(turn.EstimatedPromptTokens, result.Usage);
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(final, aborted).ConfigureAwait(false);
        await usage.RecordAsync(turn, writer.FinalUsage!, fromResponseCache: cache.Outcome == ResponseCacheOutcome.Hit, CheckRequestHeader.IsPresent(context)).ConfigureAwait(false);
    }

    /// <summary>
    /// Stores a streamed response before its <c>response.completed</c> is written, so that event says
    /// <c>"store": false</c> when the write failed (the header went out with the first byte).
    /// </summary>
    private async Task StoreStreamedAsync(HttpContext context, ChatTurn turn, ResponseEventWriter writer, ResponseEnvelope envelope,
        IReadOnlyList<ChatResponseUpdate> received, Save save, CancellationToken cancellationToken)
    {
        if (!save.Wanted)
        {
            return;
        }
        writer.CloseOutput(context.Response.BodyWriter);
        var stored = writer.BuildResponse(turn.EstimatedPromptTokens);
        if (!await StoreAsync(turn, writer, stored, received.ToChatResponse().Messages, save, cancellationToken).ConfigureAwait(false))
        {
            NotStored(context, envelope);
        }
    }

    /// <summary>Stores the response when asked to; false when it was asked to and could not.</summary>
    private async Task<bool> StoreAsync(ChatTurn turn, ResponseEventWriter writer, byte[] responseJson, IList<ChatMessage> output, Save save, CancellationToken cancellationToken)
    {
        var request = turn.Request;
        if (!save.Wanted)
        {
            return !request.Store;
        }
        // Reasoning items stay with the conversation, for the provider that wrote them (previous_response_id chains).
        ReasoningProvenance.Tag(output, turn.AnsweringRoute.ProviderName);
        var id = writer.ResponseId;
        var stored = new StoredResponse(id, request.Model, ConversationContinuation.ConversationToStore(request, output, save.Continued), Encoding.UTF8.GetString(responseJson));
        try
        {
            await store.SaveAsync(save.KeyId, stored, save.Continued, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only a later continuation of it will fail (with a clear 404).
            logger.LogWarning(ex, "Could not store response {ResponseId}; previous_response_id will not find it.", id);
            return false;
        }
    }

    private static void NotStored(HttpContext context, ResponseEnvelope envelope)
    {
        envelope.Store = false;
        if (!context.Response.HasStarted)
        {
            context.Response.Headers[StoredHeader] = "false";
        }
    }

    /// <summary>Where a response would be stored: for whom, after which stored conversation, and whether to try at all.</summary>
    private sealed record Save(string KeyId, StoredConversation? Continued, bool Wanted);
}
