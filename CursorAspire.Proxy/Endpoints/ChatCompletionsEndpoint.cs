using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using CursorAspire.Proxy.Wire.ChatCompletions;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/chat/completions</c>: wire in ► route ► IChatClient pipeline ► wire out, streamed or not. Both
/// Chat Completions and Responses-shaped bodies are answered in the Chat Completions contract.
/// </summary>
public sealed class ChatCompletionsEndpoint(
    ChatTurnFactory turns,
    UpstreamCall calls,
    EventStreamResponder stream,
    ConversationContinuation continuation,
    IOptions<ProxyOptions> options,
    ProxyMetrics metrics,
    UsageAccounting usage,
    TimeProvider time)
{
    private readonly ProxyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        // The body lives until the answer is sent: tool declarations point into it.
        using var document = await RequestBodyLimits.ReadJsonAsync(context, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        var request = ChatRequestReader.Read(document.RootElement);
        var keyId = ApiKeyAuthenticationHandler.KeyId(context);
        // previous_response_id (Responses-shaped bodies): continue a conversation stored by POST …/responses.
        await continuation.PrependAsync(request, keyId, context.Request.ContentLength ?? 0, context.RequestAborted).ConfigureAwait(false);
        if (request.Messages.Count == 0)
        {
            throw new WireFormatException("'messages' is empty: send at least one message.", "messages");
        }
        var cache = context.ScopeResponseCache(keyId);
        var turn = turns.Create(request, request.Shape.ToString(), ApiKeyIdentity.Of(context), cache);
        context.Features.Set(turn.Call);

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await stream.RespondAsync(context, turn, cache, () => new ChatCompletionChunkWriter(id, request.Model, created, _options.ReasoningOutput, request.CustomToolNames)
            {
                EstimatedPromptTokens = turn.EstimatedPromptTokens,
                // A replayed answer cost no prompt processing: say so the way OpenAI does, as cached prompt tokens.
                ReportPromptAsCached = cache.Outcome == ResponseCacheOutcome.Hit,
            }).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, turn, cache, id, created).ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(HttpContext context, ChatTurn turn, ResponseCacheScope cache, string id, long created)
    {
        var result = await usage.CountingAbandonedAsync(turn, calls.CompleteAsync, CheckRequestHeader.IsPresent(context), context.RequestAborted).ConfigureAwait(false);
        UsageDetails? replayed = null;
        if (cache.Outcome == ResponseCacheOutcome.Hit)
        {
            replayed = result.Usage is { } original
                ? new UsageDetails { InputTokenCount = original.InputTokenCount, OutputTokenCount = original.OutputTokenCount, TotalTokenCount = original.TotalTokenCount, CachedInputTokenCount = original.InputTokenCount ?? turn.EstimatedPromptTokens }
                : null;
        }
        else
        {
            metrics.RecordReportedPromptTokens(result.Usage, turn.AnsweringRoute.ProviderName);
        }
        var request = turn.Request;
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var written = ChatCompletionResponseWriter.Write(context.Response.BodyWriter, result, id, request.Model, created, turn.EstimatedPromptTokens, _options.ReasoningOutput, replayed, request.CustomToolNames);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        await usage.RecordAsync(turn, written, fromResponseCache: cache.Outcome == ResponseCacheOutcome.Hit, CheckRequestHeader.IsPresent(context)).ConfigureAwait(false);
    }
}
