using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Telemetry;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// Calls a turn's pipeline under the first-byte timeout. A failure before anything was sent becomes a real HTTP status
/// (<see cref="ProxyException"/>); a failure after the stream started becomes the text the user is shown.
/// </summary>
public sealed class UpstreamCall(IOptions<ProxyOptions> options, ProxyMetrics metrics, ILogger<UpstreamCall> logger)
{
    private readonly ProxyOptions _options = options.Value;

    /// <summary>
    /// Starts a streamed call and waits for its first update before anything is sent, so an upstream that fails to
    /// start becomes a real status rather than a broken 200.
    /// </summary>
    public async Task<UpstreamStream> StartStreamAsync(ChatTurn turn, CancellationToken aborted)
    {
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        cancellation.CancelAfter(_options.UpstreamFirstByteTimeout);
        var request = turn.Request;
        var updates = turn.Client.GetStreamingResponseAsync(request.Messages, request.Options, cancellation.Token).GetAsyncEnumerator(cancellation.Token);
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
            throw Failure(ex, turn, timedOut);
        }
    }

    /// <summary>A non-streamed call under the same timeout; failures become real statuses.</summary>
    public async Task<ChatResponse> CompleteAsync(ChatTurn turn, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_options.UpstreamFirstByteTimeout);
        try
        {
            return await turn.Client.GetResponseAsync(turn.Request.Messages, turn.Request.Options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            throw Failure(ex, turn, timeout.IsCancellationRequested);
        }
    }

    /// <summary>Records and logs a failure after the stream started, and returns the message to show the user.</summary>
    public string StreamFailed(Exception ex, ChatTurn turn)
    {
        var route = turn.Route;
        var error = UpstreamErrors.Map(ex, route.ProviderName, route.UpstreamModel);
        metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
        logger.LogWarning(ex, "Stream from {Provider}/{Model} failed after it started: {Message}", route.ProviderName, route.UpstreamModel, error.Message);
        return $"The model stopped with an error: {error.Message}";
    }

    private ProxyException Failure(Exception ex, ChatTurn turn, bool timedOut)
    {
        var route = turn.Route;
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
