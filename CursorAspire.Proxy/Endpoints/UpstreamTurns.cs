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
/// What every chat endpoint does around the model call, whatever its wire format: route the request (with
/// metrics and span tags), start the upstream call under the first-byte timeout so that a failure to start is a
/// real HTTP status, commit an event stream, and report a failure after the stream started.
/// </summary>
public sealed class UpstreamTurns(
    ModelRouter router,
    UpstreamChatClients clients,
    IOptions<ProxyOptions> options,
    ProxyMetrics metrics,
    ILogger<UpstreamTurns> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <summary>Routes the request and returns its pipeline; sets the upstream model and drops options the model cannot take.</summary>
    public (ModelRoute Route, IChatClient Client, long EstimatedPromptTokens) Route(ParsedChatRequest request, string shape)
    {
        var route = router.Resolve(request.Model);
        request.Options.ModelId = route.UpstreamModel;
        if (route.Model?.Reasoning != true)
        {
            // Cursor sends an effort for every model; only thinking models accept one.
            request.Options.Reasoning = null;
        }
        metrics.Requests.Add(1, new TagList
        {
            { "cursoraspire.provider", route.ProviderName },
            { "cursoraspire.shape", shape },
            { "cursoraspire.fallback", route.IsFallback },
        });
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
            activity.SetTag("cursoraspire.request.shape", shape);
            activity.SetTag("cursoraspire.request.stream", request.Stream);
            activity.SetTag("cursoraspire.request.previous_response", request.PreviousResponseId is not null);
        }

        var estimatedPromptTokens = TokenEstimator.EstimatePrompt(request.Messages, request.Options);
        metrics.EstimatedPromptTokens.Record(estimatedPromptTokens, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
        return (route, clients.Get(route), estimatedPromptTokens);
    }

    /// <summary>
    /// Scopes the response cache to the caller's key and to its <c>Cache-Control</c> (<c>no-cache</c>, <c>no-store</c>),
    /// and reports the outcome as <c>x-cache</c> on whatever response goes out.
    /// </summary>
    public static ResponseCacheRequest AttachCacheRequest(HttpContext context, ParsedChatRequest request)
    {
        var cache = ResponseCacheRequest.FromCacheControl(ApiKeyAuthenticationHandler.KeyId(context), context.Request.Headers.CacheControl);
        cache.AttachTo(request.Options);
        context.Response.OnStarting(static state =>
        {
            var (response, cacheRequest) = ((HttpResponse, ResponseCacheRequest))state;
            response.Headers["x-cache"] = cacheRequest.XCacheHeaderValue ?? "BYPASS";
            return Task.CompletedTask;
        }, (context.Response, cache));
        return cache;
    }

    /// <summary>
    /// Starts a streamed call and waits for its first update before anything is sent, so an upstream that fails to
    /// start becomes a real status (<see cref="ProxyException"/>) rather than a broken 200.
    /// </summary>
    public async Task<UpstreamStream> StartStreamAsync(IChatClient client, ParsedChatRequest request, ModelRoute route, CancellationToken aborted)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        cancellation.CancelAfter(_options.UpstreamFirstByteTimeout);
        var updates = client.GetStreamingResponseAsync(request.Messages, request.Options, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
        try
        {
            var hasFirst = await updates.MoveNextAsync().ConfigureAwait(false);
            cancellation.CancelAfter(Timeout.InfiniteTimeSpan); // the timeout is for the first update only
            return new UpstreamStream(updates, cancellation, hasFirst);
        }
        catch (Exception ex)
        {
            await updates.DisposeAsync().ConfigureAwait(false);
            var timedOut = cancellation.IsCancellationRequested;
            cancellation.Dispose();
            if (aborted.IsCancellationRequested)
            {
                throw;
            }
            throw UpstreamFailure(ex, route, timedOut);
        }
    }

    /// <summary>A non-streamed call under the same timeout; failures become real statuses.</summary>
    public async Task<ChatResponse> CompleteAsync(IChatClient client, ParsedChatRequest request, ModelRoute route, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_options.UpstreamFirstByteTimeout);
        try
        {
            return await client.GetResponseAsync(request.Messages, request.Options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            throw UpstreamFailure(ex, route, timeout.IsCancellationRequested);
        }
    }

    /// <summary>Commits the response to a server-sent event stream: no caching, no proxy buffering, no compression.</summary>
    public static void BeginEventStream(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    /// <summary>Records and logs a failure after the stream started, and returns the message to show the user.</summary>
    public string StreamFailed(Exception ex, ModelRoute route)
    {
        var error = UpstreamErrors.Map(ex, route.ProviderName, route.UpstreamModel);
        metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
        logger.LogWarning(ex, "Stream from {Provider}/{Model} failed after it started: {Message}", route.ProviderName, route.UpstreamModel, error.Message);
        return $"The model stopped with an error: {error.Message}";
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
