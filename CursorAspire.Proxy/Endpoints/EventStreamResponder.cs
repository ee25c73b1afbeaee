using CursorAspire.Proxy.Caching;
using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// The one streaming loop both endpoints use: start the upstream call (a failure before the first update is still a
/// real status), commit the response to an event stream, write each update through the endpoint's wire format, and
/// end it, or report a failure after the start as the format says.
/// </summary>
public sealed class EventStreamResponder(UpstreamCall calls, ProxyMetrics metrics, UsageAccounting usage)
{
    /// <param name="context">The request being answered.</param>
    /// <param name="turn">The routed request.</param>
    /// <param name="cache">The response cache's scope for this request (its outcome is known after the first update).</param>
    /// <param name="createWriter">Creates the wire format's writer once the first update arrived.</param>
    /// <param name="completed">
    /// Runs after the last update, before the end is written, with every update received: a stored response exists
    /// before the client sees it complete, and the end can say whether it was stored.
    /// </param>
    public async Task RespondAsync(
        HttpContext context,
        ChatTurn turn,
        ResponseCacheScope cache,
        Func<IChatStreamWriter> createWriter,
        Func<IReadOnlyList<ChatResponseUpdate>, CancellationToken, Task>? completed = null)
    {
        var aborted = context.RequestAborted;
        await using var updates = await calls.StartStreamAsync(turn, aborted).ConfigureAwait(false);
        BeginEventStream(context);

        var writer = createWriter();
        var output = context.Response.BodyWriter;
        var received = completed is null ? null : new List<ChatResponseUpdate>();
        UsageDetails? spent = null;
        try
        {
            if (writer.WriteStart(output))
            {
                await output.FlushAsync(aborted).ConfigureAwait(false);
            }
            try
            {
                while (updates.HasCurrent)
                {
                    received?.Add(updates.Current);
                    if (writer.WriteUpdate(updates.Current, output))
                    {
                        await output.FlushAsync(aborted).ConfigureAwait(false);
                    }
                    await updates.MoveNextAsync().ConfigureAwait(false);
                }
                if (completed is not null)
                {
                    await completed(received!, aborted).ConfigureAwait(false);
                }
                writer.WriteEnd(output);
                spent = writer.FinalUsage;
                if (cache.Outcome != ResponseCacheOutcome.Hit)
                {
                    metrics.RecordReportedPromptTokens(writer.ReportedUsage, turn.AnsweringRoute.ProviderName);
                }
            }
            catch (Exception ex) when (!aborted.IsCancellationRequested)
            {
                // The status is already 200: the format says how the user sees the error.
                writer.WriteFailed(calls.StreamFailed(ex, turn), output);
            }
            await output.FlushAsync(aborted).ConfigureAwait(false);
        }
        finally
        {
            // After the answer went out: counting must not delay it. A stream that broke off, or that the client left,
            // counts what it cost so far: the provider bills it, and a key must not dodge its budget by disconnecting.
            await usage.RecordAsync(turn, spent ?? writer.UsageSoFar, fromResponseCache: cache.Outcome == ResponseCacheOutcome.Hit, CheckRequestHeader.IsPresent(context)).ConfigureAwait(false);
        }
    }

    /// <summary>Commits the response to a server-sent event stream: no caching, no proxy buffering, no compression.</summary>
    private static void BeginEventStream(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }
}
