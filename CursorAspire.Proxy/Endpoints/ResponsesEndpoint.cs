using System.Text;
using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Reasoning;
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
/// </remarks>
public sealed class ResponsesEndpoint(
    ChatTurnFactory turns,
    UpstreamCall calls,
    EventStreamResponder stream,
    ConversationContinuation continuation,
    ConversationStore store,
    UsageLedger usage,
    IOptions<ProxyOptions> options,
    TimeProvider time,
    ILogger<ResponsesEndpoint> logger)
{
    private readonly ProxyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        // The body lives until the answer is sent: tool declarations point into it.
        using var document = await RequestBodyLimits.ReadJsonAsync(context, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        var root = document.RootElement;
        if (!root.TryGetProperty("input", out _) && !root.TryGetProperty("previous_response_id", out _))
        {
            throw new WireFormatException("The request body must have an 'input' (a string or an array of input items).", "input");
        }
        var request = ResponsesRequestReader.Read(root);
        var envelope = ResponseEnvelope.FromRequest(root, $"resp_{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds());

        var keyId = ApiKeyAuthenticationHandler.KeyId(context);
        await continuation.PrependAsync(request, keyId, context.RequestAborted).ConfigureAwait(false);
        if (request.Messages.Count == 0)
        {
            throw new WireFormatException("'input' is empty: send at least one message.", "input");
        }

        var turn = turns.Create(request, "ResponsesApi", ApiKeyIdentity.Of(context));
        var cache = context.AttachResponseCache(keyId, request.Options);

        var writer = new ResponseEventWriter(envelope, _options.ReasoningOutput, request.CustomToolNames)
        {
            EstimatedPromptTokens = turn.EstimatedPromptTokens,
        };
        if (request.Stream)
        {
            await stream.RespondAsync(context, turn, cache, () => writer,
                (received, aborted) => StoreAsync(turn, writer, writer.FinalResponse!, received.ToChatResponse().Messages, keyId, aborted)).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, turn, cache, writer, keyId).ConfigureAwait(false);
        }
    }

    /// <summary><c>GET /v1/responses/{id}</c>: a stored response object, for the key that stored it.</summary>
    public async Task HandleGetAsync(HttpContext context, string responseId)
    {
        var stored = await store.LoadAsync(ApiKeyAuthenticationHandler.KeyId(context), responseId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new ProxyException(StatusCodes.Status404NotFound,
                $"Response with id '{responseId}' not found. Only stored responses (store: true) of this API key can be read, until Proxy:Conversations:Ttl passes.",
                OpenAIError.InvalidRequest, "response_not_found", "response_id");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stored.ResponseJson, context.RequestAborted).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context, ChatTurn turn, ResponseCacheRequest cache, ResponseEventWriter writer, string keyId)
    {
        var aborted = context.RequestAborted;
        var result = await calls.CompleteAsync(turn, aborted).ConfigureAwait(false);
        foreach (var update in result.ToChatResponseUpdates())
        {
            writer.WriteUpdate(update, output: null);
        }
        writer.CloseOutput(output: null);
        var final = writer.BuildResponse(turn.EstimatedPromptTokens, result.Usage);
        await StoreAsync(turn, writer, final, result.Messages, keyId, aborted).ConfigureAwait(false);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(final, aborted).ConfigureAwait(false);
        if (cache.Outcome != ResponseCacheOutcome.Hit)
        {
            await usage.RecordAsync(turn.Key, turn.UsageModel, writer.FinalUsage!, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task StoreAsync(ChatTurn turn, ResponseEventWriter writer, byte[] responseJson, IList<ChatMessage> output, string keyId, CancellationToken cancellationToken)
    {
        var request = turn.Request;
        if (!request.Store)
        {
            return;
        }
        // Reasoning items stay with the conversation, for the provider that wrote them (previous_response_id chains).
        ReasoningProvenance.Tag(output, turn.Route.ProviderName);
        var id = writer.ResponseId;
        var stored = new StoredResponse(id, request.Model, ConversationContinuation.ConversationToStore(request, output), Encoding.UTF8.GetString(responseJson));
        try
        {
            await store.SaveAsync(keyId, stored, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The answer is still good; only a later continuation of it will fail (with a clear 404).
            logger.LogWarning(ex, "Could not store response {ResponseId}; previous_response_id will not find it.", id);
        }
    }
}
