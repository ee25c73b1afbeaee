using System.Diagnostics;
using System.Text;
using CursorAspire.Proxy.Conversations;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using CursorAspire.Proxy.Wire.Responses;
using Microsoft.AspNetCore.Http.Features;
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
    ModelRouter router,
    UpstreamChatClients clients,
    ConversationContinuation continuation,
    ConversationStore store,
    IOptions<ProxyOptions> options,
    ProxyMetrics metrics,
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

        var keyId = KeyId(context);
        await continuation.PrependAsync(request, keyId, context.RequestAborted).ConfigureAwait(false);
        if (request.Messages.Count == 0)
        {
            throw new WireFormatException("'input' is empty: send at least one message.", "input");
        }

        var route = Route(request);
        var client = clients.Get(route);
        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        metrics.EstimatedPromptTokens.Record(estimatedPromptTokens, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));

        var writer = new ResponseEventWriter(envelope, _options.ReasoningOutput, request.CustomToolNames);
        if (request.Stream)
        {
            await StreamAsync(context, request, route, client, writer, keyId, estimatedPromptTokens).ConfigureAwait(false);
        }
        else
        {
            await CompleteAsync(context, request, route, client, writer, keyId, estimatedPromptTokens).ConfigureAwait(false);
        }
    }

    /// <summary><c>GET /v1/responses/{id}</c>: a stored response object, for the key that stored it.</summary>
    public async Task HandleGetAsync(HttpContext context, string responseId)
    {
        var stored = await store.LoadAsync(KeyId(context), responseId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new ProxyException(StatusCodes.Status404NotFound,
                $"Response with id '{responseId}' not found. Only stored responses (store: true) of this API key can be read, until Proxy:Conversations:Ttl passes.",
                OpenAIError.InvalidRequest, "response_not_found", "response_id");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(stored.ResponseJson, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>The caller's key identity (set by <see cref="ApiKeyAuthenticationHandler"/>); scopes stored conversations.</summary>
    internal static string KeyId(HttpContext context) =>
        context.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value ?? string.Empty;

    private ModelRoute Route(ParsedChatRequest request)
    {
        var route = router.Resolve(request.Model);
        request.Options.ModelId = route.UpstreamModel;
        if (route.Model?.Reasoning != true)
        {
            // Only thinking models accept an effort.
            request.Options.Reasoning = null;
        }
        metrics.Requests.Add(1, new TagList
        {
            { "cursoraspire.provider", route.ProviderName },
            { "cursoraspire.shape", "ResponsesApi" },
            { "cursoraspire.fallback", route.IsFallback },
        });
        if (route.IsFallback)
        {
            metrics.FallbackRoutes.Add(1);
        }
        if (Activity.Current is { } activity)
        {
            activity.SetTag("cursoraspire.model.requested", request.Model);
            activity.SetTag("cursoraspire.route.provider", route.ProviderName);
            activity.SetTag("cursoraspire.route.upstream_model", route.UpstreamModel);
            activity.SetTag("cursoraspire.request.previous_response", request.PreviousResponseId is not null);
            activity.SetTag("cursoraspire.request.stream", request.Stream);
        }
        return route;
    }

    private async Task StreamAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client,
        ResponseEventWriter writer, string keyId, long estimatedPromptTokens)
    {
        var aborted = context.RequestAborted;
        using var firstByte = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        firstByte.CancelAfter(_options.UpstreamFirstByteTimeout);
        await using var updates = client.GetStreamingResponseAsync(request.Messages, request.Options, firstByte.Token).GetAsyncEnumerator(firstByte.Token);

        // Wait for the upstream's first update before committing to 200, so a failure to start is a real status.
        bool more;
        try
        {
            more = await updates.MoveNextAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            throw UpstreamFailure(ex, route, firstByte.IsCancellationRequested);
        }
        firstByte.CancelAfter(Timeout.InfiniteTimeSpan);

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var output = response.BodyWriter;
        var received = new List<ChatResponseUpdate>();
        writer.WriteStart(output);
        await output.FlushAsync(aborted).ConfigureAwait(false);
        try
        {
            while (more)
            {
                received.Add(updates.Current);
                if (writer.WriteUpdate(updates.Current, output))
                {
                    await output.FlushAsync(aborted).ConfigureAwait(false);
                }
                more = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            writer.CloseOutput(output);
            var final = writer.BuildResponse(estimatedPromptTokens);
            await StoreAsync(request, writer, final, received.ToChatResponse().Messages, keyId, aborted).ConfigureAwait(false);
            writer.WriteEnd(output, final);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // The status is already 200: the failure is a response.failed event.
            var error = UpstreamErrors.Map(ex, route.ProviderName, route.UpstreamModel);
            metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
            logger.LogWarning(ex, "Responses stream from {Provider}/{Model} failed after it started: {Message}", route.ProviderName, route.UpstreamModel, error.Message);
            writer.WriteFailed($"The model stopped with an error: {error.Message}", output);
        }
        await output.FlushAsync(aborted).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client,
        ResponseEventWriter writer, string keyId, long estimatedPromptTokens)
    {
        var aborted = context.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_options.UpstreamFirstByteTimeout);
        ChatResponse result;
        try
        {
            result = await client.GetResponseAsync(request.Messages, request.Options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            throw UpstreamFailure(ex, route, timeout.IsCancellationRequested);
        }
        foreach (var update in result.ToChatResponseUpdates())
        {
            writer.WriteUpdate(update, output: null);
        }
        writer.CloseOutput(output: null);
        var final = writer.BuildResponse(estimatedPromptTokens, result.Usage);
        await StoreAsync(request, writer, final, result.Messages, keyId, aborted).ConfigureAwait(false);

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(final, aborted).ConfigureAwait(false);
    }

    private async Task StoreAsync(ParsedChatRequest request, ResponseEventWriter writer, byte[] responseJson, IEnumerable<ChatMessage> output, string keyId, CancellationToken cancellationToken)
    {
        if (!request.Store)
        {
            return;
        }
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

    private ProxyException UpstreamFailure(Exception ex, ModelRoute route, bool timedOut)
    {
        var error = timedOut
            ? new ProxyException(StatusCodes.Status504GatewayTimeout,
                $"Provider '{route.ProviderName}' sent nothing for model '{route.UpstreamModel}' within {_options.UpstreamFirstByteTimeout}. " +
                "A local model may still be loading; try again, or raise Proxy:UpstreamFirstByteTimeout.",
                OpenAIError.Upstream, "upstream_timeout", inner: ex)
            : UpstreamErrors.Map(ex, route.ProviderName, route.UpstreamModel);
        metrics.UpstreamErrors.Add(1, new KeyValuePair<string, object?>("http.response.status_code", error.StatusCode));
        return error;
    }
}
