using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Responses;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/responses</c>, the real OpenAI Responses API (for clients other than Cursor): intake ► the turn's pipeline ►
/// a <c>response</c> object or its named SSE events ► saved for <c>previous_response_id</c> (<see cref="ResponseSaving"/>).
/// </summary>
/// <remarks>
/// A saved response is written before the client sees it complete, so a follow-up naming it as
/// <c>previous_response_id</c> never races the store. While the store is down (its breaker open) a <c>store: true</c>
/// request is still answered, with <c>"store": false</c> in the response and the header <see cref="StoredHeader"/><c>: false</c>;
/// a response whose save fails says so the same way.
/// </remarks>
public sealed class ResponsesEndpoint(ChatIntake intake, ChatResponder responder, ResponseSaving saving, ConversationStore store, IOptions<ProxyOptions> options, TimeProvider time)
{
    /// <summary>The response header that says a <c>store: true</c> response was not stored.</summary>
    public const string StoredHeader = "x-cursoraspire-stored";

    private static readonly RequestDialect Dialect = new(Read, "input", "ResponsesApi");

    private readonly ReasoningOutputMode _reasoningOutput = options.Value.ReasoningOutput;

    public async Task HandleAsync(HttpContext context)
    {
        using var taken = await intake.ReadAsync(context, Dialect).ConfigureAwait(false);
        var turn = taken.Turn;
        var request = turn.Request;
        var envelope = ResponseEnvelope.FromRequest(taken.Root, $"resp_{Guid.NewGuid():N}", time.GetUtcNow().ToUnixTimeSeconds());
        var writer = new ResponseEventWriter(envelope, _reasoningOutput, request.CustomToolNames) { EstimatedPromptTokens = turn.EstimatedPromptTokens };
        var save = saving.Plan(turn, taken.Continued, context.Request.ContentLength ?? System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(taken.Root).Length);
        if (request.Store && !save.Wanted)
        {
            // Redis is known to be down: answer anyway, and say that this response cannot be continued.
            NotStored(context, envelope);
        }
        if (request.Stream)
        {
            await responder.StreamAsync(context, turn, _ => writer,
                (received, aborted) => SaveStreamedAsync(context, turn, writer, envelope, received, save, aborted)).ConfigureAwait(false);
            return;
        }
        await responder.CompleteAsync(context, turn, async (answer, _, aborted) =>
        {
            foreach (var update in answer.ToChatResponseUpdates())
            {
                writer.WriteUpdate(update, output: null);
            }
            writer.CloseOutput(output: null);
            var final = writer.BuildResponse(turn.EstimatedPromptTokens, answer.Usage);
            if (!await saving.SaveAsync(turn, save, writer.ResponseId, final, answer.Messages, aborted).ConfigureAwait(false))
            {
                NotStored(context, envelope);
                final = writer.BuildResponse(turn.EstimatedPromptTokens, answer.Usage);
            }
            await context.Response.BodyWriter.WriteAsync(final, aborted).ConfigureAwait(false);
            return writer.FinalUsage!;
        }).ConfigureAwait(false);
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

    /// <summary>The Responses body: its reader, and an <c>input</c> unless it continues a stored response.</summary>
    private static ParsedChatRequest Read(JsonElement root)
    {
        // Read first: the reader checks the body's text before anything looks members up.
        var request = ResponsesRequestReader.Read(root);
        if (!root.TryGetProperty("input", out _) && request.PreviousResponseId is null)
        {
            throw new WireFormatException("The request body must have an 'input' (a string or an array of input items).", "input");
        }
        return request;
    }

    /// <summary>
    /// Saves a streamed response before its <c>response.completed</c> is written, so that event says
    /// <c>"store": false</c> when the write failed (the header went out with the first byte).
    /// </summary>
    private async Task SaveStreamedAsync(HttpContext context, ChatTurn turn, ResponseEventWriter writer, ResponseEnvelope envelope,
        IReadOnlyList<ChatResponseUpdate> received, ResponseSave save, CancellationToken cancellationToken)
    {
        if (!save.Wanted)
        {
            return;
        }
        writer.CloseOutput(context.Response.BodyWriter);
        var response = writer.BuildResponse(turn.EstimatedPromptTokens);
        if (!await saving.SaveAsync(turn, save, writer.ResponseId, response, received.ToChatResponse().Messages, cancellationToken).ConfigureAwait(false))
        {
            NotStored(context, envelope);
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
}
