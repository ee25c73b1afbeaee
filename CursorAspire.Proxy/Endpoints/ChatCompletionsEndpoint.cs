using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/chat/completions</c>: wire in ► route ► IChatClient pipeline ► wire out, streamed or not. Both
/// Chat Completions and Responses-shaped bodies are answered in the Chat Completions contract.
/// </summary>
public sealed class ChatCompletionsEndpoint(
    UpstreamTurns turns,
    ConversationContinuation continuation,
    IOptions<ProxyOptions> options,
    ProxyMetrics metrics,
    TimeProvider time)
{
    private readonly ProxyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        // The body lives until the answer is sent: tool declarations point into it.
        using var document = await RequestBodyLimits.ReadJsonAsync(context, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        var request = ChatRequestReader.Read(document.RootElement);
        // previous_response_id (Responses-shaped bodies): continue a conversation stored by POST …/responses.
        await continuation.PrependAsync(request, ApiKeyAuthenticationHandler.KeyId(context), context.RequestAborted).ConfigureAwait(false);
        var (route, client, estimatedPromptTokens) = turns.Route(request, request.Shape.ToString());
        var cache = UpstreamTurns.AttachCacheRequest(context, request);

        var id = $"chatcmpl-{Guid.NewGuid():N}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        if (request.Stream)
        {
            await StreamAsync(context, request, route, client, cache, id, created, estimatedPromptTokens).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, request, route, client, cache, id, created, estimatedPromptTokens).ConfigureAwait(false);
        }
    }


    private async Task StreamAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client, ResponseCacheRequest cache, string id, long created, long estimatedPromptTokens)
    {
        var aborted = context.RequestAborted;
        await using var updates = await turns.StartStreamAsync(client, request, route, aborted).ConfigureAwait(false);
        UpstreamTurns.BeginEventStream(context);

        var writer = new ChatCompletionChunkWriter(id, request.Model, created, _options.ReasoningOutput, request.CustomToolNames)
        {
            // A replayed answer cost no prompt processing: say so the way OpenAI does, as cached prompt tokens.
            ReportPromptAsCached = cache.Outcome == ResponseCacheOutcome.Hit,
        };
        var output = context.Response.BodyWriter;
        try
        {
            while (updates.HasCurrent)
            {
                if (writer.WriteUpdate(updates.Current, output))
                {
                    await output.FlushAsync(aborted).ConfigureAwait(false);
                }
                await updates.MoveNextAsync().ConfigureAwait(false);
            }
            writer.WriteEnd(output, estimatedPromptTokens);
            if (cache.Outcome != ResponseCacheOutcome.Hit)
            {
                metrics.RecordReportedPromptTokens(writer.ReportedUsage, route.ProviderName);
            }
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // The status is already 200: the user sees the error as the assistant's text.
            writer.WriteError(turns.StreamFailed(ex, route), output, estimatedPromptTokens);
        }
        await output.FlushAsync(aborted).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client, ResponseCacheRequest cache, string id, long created, long estimatedPromptTokens)
    {
        var result = await turns.CompleteAsync(client, request, route, context.RequestAborted).ConfigureAwait(false);
        UsageDetails? usage = null;
        if (cache.Outcome == ResponseCacheOutcome.Hit)
        {
            usage = result.Usage is { } original
                ? new UsageDetails { InputTokenCount = original.InputTokenCount, OutputTokenCount = original.OutputTokenCount, TotalTokenCount = original.TotalTokenCount, CachedInputTokenCount = original.InputTokenCount ?? estimatedPromptTokens }
                : null;
        }
        else
        {
            metrics.RecordReportedPromptTokens(result.Usage, route.ProviderName);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        ChatCompletionResponseWriter.Write(context.Response.BodyWriter, result, id, request.Model, created, estimatedPromptTokens, _options.ReasoningOutput, usage, request.CustomToolNames);
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }
}
