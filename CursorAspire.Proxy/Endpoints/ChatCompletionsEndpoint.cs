using System.Diagnostics;
using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// <c>POST …/chat/completions</c>: wire in ► route ► IChatClient pipeline ► wire out, streamed or not. Both
/// Chat Completions and Responses-shaped bodies are answered in the Chat Completions contract.
/// </summary>
public sealed class ChatCompletionsEndpoint(
    ModelRouter router,
    UpstreamChatClients clients,
    IOptions<ProxyOptions> options,
    ProxyMetrics metrics,
    TimeProvider time,
    ILogger<ChatCompletionsEndpoint> logger)
{
    private readonly ProxyOptions _options = options.Value;

    public async Task HandleAsync(HttpContext context)
    {
        using var document = await RequestBodyLimits.ReadJsonAsync(context, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        var request = ChatRequestReader.Read(document.RootElement);
        var route = Route(request);
        var client = clients.Get(route);
        var cache = AttachCacheRequest(context, request);

        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        metrics.EstimatedPromptTokens.Record(estimatedPromptTokens, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));

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

    /// <summary>
    /// Scopes the response cache to the caller's key and to its <c>Cache-Control</c> (<c>no-cache</c>, <c>no-store</c>),
    /// and reports the outcome as <c>x-cache</c> on whatever response goes out.
    /// </summary>
    private static ResponseCacheRequest AttachCacheRequest(HttpContext context, ParsedChatRequest request)
    {
        var partition = context.User.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value ?? string.Empty;
        var cache = ResponseCacheRequest.FromCacheControl(partition, context.Request.Headers.CacheControl);
        cache.AttachTo(request.Options);
        context.Response.OnStarting(static state =>
        {
            var (response, cacheRequest) = ((HttpResponse, ResponseCacheRequest))state;
            response.Headers["x-cache"] = cacheRequest.XCacheHeaderValue ?? "BYPASS";
            return Task.CompletedTask;
        }, (context.Response, cache));
        return cache;
    }

    private ModelRoute Route(ParsedChatRequest request)
    {
        var route = router.Resolve(request.Model);
        request.Options.ModelId = route.UpstreamModel;
        if (route.Model?.Reasoning != true)
        {
            // Cursor sends an effort for every model; only thinking models accept one.
            request.Options.Reasoning = null;
        }
        var tags = new TagList
        {
            { "cursoraspire.provider", route.ProviderName },
            { "cursoraspire.shape", request.Shape.ToString() },
            { "cursoraspire.fallback", route.IsFallback },
        };
        metrics.Requests.Add(1, tags);
        if (route.IsFallback)
        {
            metrics.FallbackRoutes.Add(1);
        }
        if (Activity.Current is { } activity)
        {
            activity.SetTag("cursoraspire.model.requested", request.Model);
            activity.SetTag("cursoraspire.route.alias", route.Alias);
            activity.SetTag("cursoraspire.route.provider", route.ProviderName);
            activity.SetTag("cursoraspire.route.upstream_model", route.UpstreamModel);
            activity.SetTag("cursoraspire.route.fallback", route.IsFallback);
            activity.SetTag("cursoraspire.request.shape", request.Shape.ToString());
            activity.SetTag("cursoraspire.request.stream", request.Stream);
        }
        return route;
    }

    private async Task StreamAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client, ResponseCacheRequest cache, string id, long created, long estimatedPromptTokens)
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

        var writer = new ChatCompletionChunkWriter(id, request.Model, created, _options.ReasoningOutput)
        {
            // A replayed answer cost no prompt processing: say so the way OpenAI does, as cached prompt tokens.
            ReportPromptAsCached = cache.Outcome == ResponseCacheOutcome.Hit,
        };
        var output = response.BodyWriter;
        try
        {
            while (more)
            {
                if (writer.WriteUpdate(updates.Current, output))
                {
                    await output.FlushAsync(aborted).ConfigureAwait(false);
                }
                more = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            writer.WriteEnd(output, estimatedPromptTokens);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            // The status is already 200: the user sees the error as the assistant's text.
            var error = UpstreamErrors.Map(ex, route.ProviderName, route.UpstreamModel);
            metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
            logger.LogWarning(ex, "Stream from {Provider}/{Model} failed after it started: {Message}", route.ProviderName, route.UpstreamModel, error.Message);
            writer.WriteError($"The model stopped with an error: {error.Message}", output, estimatedPromptTokens);
        }
        await output.FlushAsync(aborted).ConfigureAwait(false);
    }

    private async Task CompleteAsync(HttpContext context, ParsedChatRequest request, ModelRoute route, IChatClient client, ResponseCacheRequest cache, string id, long created, long estimatedPromptTokens)
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
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var usage = cache.Outcome == ResponseCacheOutcome.Hit && result.Usage is { } original
            ? new UsageDetails { InputTokenCount = original.InputTokenCount, OutputTokenCount = original.OutputTokenCount, TotalTokenCount = original.TotalTokenCount, CachedInputTokenCount = original.InputTokenCount ?? estimatedPromptTokens }
            : null;
        ChatCompletionResponseWriter.Write(context.Response.BodyWriter, result, id, request.Model, created, estimatedPromptTokens, _options.ReasoningOutput, usage);
        await context.Response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
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
