using System.Diagnostics;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Pipeline;
using CursorAspire.Proxy.Providers;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using Polly.CircuitBreaker;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// Calls a turn's routes until one answers: each under its retries and breakers
/// (<see cref="RouteResilience"/>) and the first-byte deadline; a route that fails before anything was sent to the
/// client (unreachable, 5xx, 429, no first byte in time, a local context window too small) hands over to the next
/// (<c>Proxy:Models:&lt;alias&gt;:Fallbacks</c>). A failure of the last route becomes a real HTTP status
/// (<see cref="ProxyException"/>); a failure after the stream started becomes the text the user is shown.
/// </summary>
public sealed partial class UpstreamCall(IOptions<UpstreamCallOptions> options, RoutePipelines pipelines, RouteResilience resilience, ProxyMetrics metrics, ILogger<UpstreamCall> logger)
{
    private readonly UpstreamCallOptions _options = options.Value;

    /// <summary>
    /// Starts a streamed call and waits for its first content (text, reasoning, a tool call, or the end): until then a
    /// failing route still hands over to the next, even when the client's stream is already open.
    /// </summary>
    public Task<UpstreamStream> StartStreamAsync(ChatTurn turn, CancellationToken aborted) =>
        FirstToAnswerAsync(turn, (attempt, token) => StartOneAsync(turn, attempt, token), aborted);

    /// <summary>A non-streamed call under the same rules; its whole answer is due within the first-byte deadline.</summary>
    public async Task<ChatResponse> CompleteAsync(ChatTurn turn, CancellationToken aborted) =>
        await FirstToAnswerAsync(turn, (attempt, token) => CompleteOneAsync(turn, attempt, token), aborted).ConfigureAwait(false);

    /// <summary>Records and logs a failure after the stream started, and returns the message to show the user.</summary>
    public string StreamFailed(Exception ex, ChatTurn turn)
    {
        var route = turn.AnsweringRoute;
        var message = ex is UpstreamDeadlineException deadline ? deadline.Message : UpstreamErrors.Map(ex, route).Message;
        metrics.StreamErrors.Add(1, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));
        LogStreamFailed(logger, ex, route.ProviderName, route.UpstreamModel, message);
        return $"The model stopped with an error: {message}";
    }

    private async Task<T> FirstToAnswerAsync<T>(ChatTurn turn, Func<RouteAttempt, CancellationToken, ValueTask<T>> call, CancellationToken aborted)
    {
        List<string>? skipped = null;
        ProxyException? last = null;
        foreach (var attempt in turn.Routes)
        {
            try
            {
                var answer = await resilience.ExecuteAsync(attempt.Route, token => call(attempt, token), aborted).ConfigureAwait(false);
                Answered(turn, attempt, skipped);
                return answer;
            }
            catch (BrokenCircuitException)
            {
                last = resilience.OpenBreaker(attempt.Route);
                Skip(attempt, "breaker_open", ref skipped);
            }
            catch (ProxyException error) when (!aborted.IsCancellationRequested && HandsOver(error))
            {
                last = error;
                Skip(attempt, error.Code ?? error.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture), ref skipped);
            }
        }
        Activity.Current?.SetTag("cursoraspire.route.skipped", string.Join(", ", skipped ?? []));
        throw last!;
    }

    private async ValueTask<UpstreamStream> StartOneAsync(ChatTurn turn, RouteAttempt attempt, CancellationToken aborted)
    {
        var total = new CancellationTokenSource(_options.UpstreamTotalTimeout);
        var call = CancellationTokenSource.CreateLinkedTokenSource(aborted, total.Token);
        call.CancelAfter(_options.FirstByteDeadline);
        // The HTTP layer closes the response on this token too: some clients do not pass it to their reads.
        turn.Call.CallToken = call.Token;
        var updates = pipelines.Get(attempt.Route).GetStreamingResponseAsync(turn.Request.Messages, attempt.Options, call.Token).GetAsyncEnumerator(call.Token);
        try
        {
            // A role or a usage alone (an OpenAI stream's first chunk, sent while the model still thinks) is no answer yet.
            List<ChatResponseUpdate>? leading = null;
            var hasFirst = await updates.MoveNextAsync().ConfigureAwait(false);
            while (hasFirst && !CarriesContent(updates.Current))
            {
                (leading ??= []).Add(updates.Current);
                hasFirst = await updates.MoveNextAsync().ConfigureAwait(false);
            }
            call.CancelAfter(Timeout.InfiniteTimeSpan); // from here on, the stream's own deadlines
            return new UpstreamStream(updates, call, total, hasFirst, _options.UpstreamIdleTimeout, _options.UpstreamTotalTimeout, attempt.Route, leading, aborted);
        }
        catch (Exception ex)
        {
            await updates.DisposeAsync().ConfigureAwait(false);
            var timedOut = call.IsCancellationRequested;
            call.Dispose();
            total.Dispose();
            if (aborted.IsCancellationRequested)
            {
                throw;
            }
            throw Failure(ex, attempt, timedOut);
        }
    }

    private async ValueTask<ChatResponse> CompleteOneAsync(ChatTurn turn, RouteAttempt attempt, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(_options.FirstByteDeadline);
        turn.Call.CallToken = timeout.Token;
        try
        {
            return await pipelines.Get(attempt.Route).GetResponseAsync(turn.Request.Messages, attempt.Options, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested)
        {
            throw Failure(ex, attempt, timeout.IsCancellationRequested);
        }
    }

    /// <summary>Whether an update is part of the answer: text, reasoning, a tool call, or its end.</summary>
    private static bool CarriesContent(ChatResponseUpdate update)
    {
        if (update.FinishReason is not null)
        {
            return true;
        }
        var contents = update.Contents;
        for (var i = 0; i < contents.Count; i++)
        {
            if (contents[i] is TextContent { Text.Length: > 0 } or TextReasoningContent { Text.Length: > 0 } or TextReasoningContent { ProtectedData: not null } or FunctionCallContent)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Whether the next route may try: the provider failed, not the request (a 400 would fail anywhere).</summary>
    private static bool HandsOver(ProxyException error) =>
        error.StatusCode >= 500 || error.StatusCode == StatusCodes.Status429TooManyRequests || error.Code == "context_length_exceeded";

    private void Answered(ChatTurn turn, RouteAttempt attempt, List<string>? skipped)
    {
        turn.AnsweredBy = attempt.Route;
        var fallback = !ReferenceEquals(attempt, turn.Routes[0]);
        metrics.RoutesAnswered.Add(1, new KeyValuePair<string, object?>("cursoraspire.route", attempt.Route.Alias ?? attempt.Route.ProviderName),
            new KeyValuePair<string, object?>("cursoraspire.route.fallback", fallback));
        if (Activity.Current is { } activity)
        {
            activity.SetTag("cursoraspire.route.answered", attempt.Route.Alias ?? $"{attempt.Route.ProviderName}/{attempt.Route.UpstreamModel}");
            if (skipped is not null)
            {
                activity.SetTag("cursoraspire.route.skipped", string.Join(", ", skipped));
            }
        }
        if (fallback)
        {
            LogAnsweredByFallback(logger, turn.Route.Alias, attempt.Route.Alias, string.Join(", ", skipped ?? []));
        }
    }

    private void Skip(RouteAttempt attempt, string reason, ref List<string>? skipped)
    {
        var name = attempt.Route.Alias ?? $"{attempt.Route.ProviderName}/{attempt.Route.UpstreamModel}";
        (skipped ??= []).Add($"{name}: {reason}");
        metrics.RoutesSkipped.Add(1, new KeyValuePair<string, object?>("cursoraspire.route", name), new KeyValuePair<string, object?>("reason", reason));
    }

    private ProxyException Failure(Exception ex, RouteAttempt attempt, bool timedOut)
    {
        var route = attempt.Route;
        var error = timedOut
            ? new ProxyException(StatusCodes.Status504GatewayTimeout,
                $"Provider '{route.ProviderName}' sent nothing for model '{route.UpstreamModel}' within {_options.FirstByteDeadline}. " +
                "A local model may still be loading; try again, or raise Proxy:UpstreamFirstByteTimeout.",
                OpenAIError.Upstream, "upstream_timeout", inner: ex)
            : UpstreamErrors.Map(ex, route);
        metrics.UpstreamErrors.Add(1, new KeyValuePair<string, object?>("http.response.status_code", error.StatusCode));
        return error;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream from {Provider}/{Model} failed after it started: {Message}")]
    private static partial void LogStreamFailed(ILogger logger, Exception exception, string provider, string model, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {Requested} answered by fallback {Fallback} ({Skipped}).")]
    private static partial void LogAnsweredByFallback(ILogger logger, string? requested, string? fallback, string skipped);
}
