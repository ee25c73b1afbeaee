using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// The one responder both model endpoints share, streamed and not: reserves room in the key's budget
/// (<see cref="TokenBudget"/>), calls the turn's routes (<see cref="UpstreamCall"/>), has the endpoint's format write the
/// answer, tells it when the answer is a replay from the response cache (whose prompt cost nothing), records the prompt
/// size the upstream reported, and settles the reservation to what the request cost once it ends, however it ends.
/// </summary>
/// <remarks>
/// What an unfinished request cost: a stream the upstream broke off or the client left, its prompt and the output
/// written so far; a request cut before any answer (the proxy's first-byte deadline, the client leaving), its prompt;
/// a non-streamed call cut the same way, its whole reservation, since the provider may have finished an answer nobody
/// received and the proxy cannot see how far it got; a request the upstream refused, nothing.
/// </remarks>
public sealed class ChatResponder(UpstreamCall calls, ProxyMetrics metrics, UsageAccounting usage, TokenBudget budget, CheckProofs checks)
{
    /// <summary>
    /// The stream loop: start the upstream call (a failure before the first update is still a real status), commit the
    /// response to an event stream, write each update through the endpoint's wire format, and end it, or report a
    /// failure after the start as the format says.
    /// </summary>
    /// <param name="context">The request being answered.</param>
    /// <param name="turn">The routed request.</param>
    /// <param name="createWriter">
    /// Creates the wire format's writer once the first update arrived, told whether the answer is a replay from the
    /// response cache (known by then).
    /// </param>
    /// <param name="completed">
    /// Runs after the last update, before the end is written, with every update received: a stored response exists
    /// before the client sees it complete, and the end can say whether it was stored.
    /// </param>
    public async Task StreamAsync(
        HttpContext context,
        ChatTurn turn,
        Func<bool, IChatStreamWriter> createWriter,
        Func<IReadOnlyList<ChatResponseUpdate>, CancellationToken, Task>? completed = null)
    {
        var aborted = context.RequestAborted;
        var reservation = await budget.ReserveAsync(turn, checks.ProvenNonce(context), aborted).ConfigureAwait(false);
        await using var updates = await CallAsync(turn, reservation, calls.StartStreamAsync, () => UsageAccounting.PromptOnly(turn), aborted).ConfigureAwait(false);
        BeginEventStream(context);

        var writer = createWriter(turn.FromResponseCache);
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
                RecordReportedPromptTokens(turn, writer.ReportedUsage);
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
            await usage.RecordAsync(turn, spent ?? writer.UsageSoFar, turn.FromResponseCache, reservation).ConfigureAwait(false);
        }
    }

    /// <summary>A non-streamed answer: one JSON body, written by the endpoint's format once the whole answer is in.</summary>
    /// <param name="context">The request being answered.</param>
    /// <param name="turn">The routed request.</param>
    /// <param name="write">
    /// Writes the body (status 200 and the JSON content type are set): the answer, and for a replay from the response
    /// cache its usage told with the whole prompt as cached. Returns the usage the client was told.
    /// </param>
    public async Task CompleteAsync(HttpContext context, ChatTurn turn, Func<ChatResponse, UsageDetails?, CancellationToken, ValueTask<UsageDetails>> write)
    {
        var aborted = context.RequestAborted;
        var reservation = await budget.ReserveAsync(turn, checks.ProvenNonce(context), aborted).ConfigureAwait(false);
        var answer = await CallAsync(turn, reservation, calls.CompleteAsync, () => WholeReservation(turn, reservation), aborted).ConfigureAwait(false);
        UsageDetails? replayed = null;
        if (turn.FromResponseCache)
        {
            // A replayed answer cost no prompt processing: say so the way OpenAI does, as cached prompt tokens.
            replayed = answer.Usage is { } original
                ? new UsageDetails { InputTokenCount = original.InputTokenCount, OutputTokenCount = original.OutputTokenCount, TotalTokenCount = original.TotalTokenCount, CachedInputTokenCount = original.InputTokenCount ?? turn.EstimatedPromptTokens }
                : null;
        }
        else
        {
            RecordReportedPromptTokens(turn, answer.Usage);
        }
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        UsageDetails? told = null;
        try
        {
            told = await write(answer, replayed, aborted).ConfigureAwait(false);
        }
        finally
        {
            // The answer came: it counts whether or not the client stayed to read it.
            await usage.RecordAsync(turn, told ?? answer.Usage ?? UsageAccounting.PromptOnly(turn), turn.FromResponseCache, reservation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Calls the upstream; when the call fails before any answer, settles the reservation first: at
    /// <paramref name="cutCost"/> when the request was cut (the upstream had its prompt), at nothing when it was refused.
    /// </summary>
    private async Task<T> CallAsync<T>(ChatTurn turn, TokenReservation reservation, Func<ChatTurn, CancellationToken, Task<T>> call, Func<UsageDetails> cutCost, CancellationToken aborted)
    {
        try
        {
            return await call(turn, aborted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await usage.RecordAsync(turn, CutBeforeAnswer(ex, aborted) ? cutCost() : null, fromResponseCache: false, reservation).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Whether the request was cut before any answer by the proxy's first-byte deadline or the client leaving (the
    /// upstream had its prompt), rather than refused by the upstream.
    /// </summary>
    private static bool CutBeforeAnswer(Exception ex, CancellationToken aborted) =>
        aborted.IsCancellationRequested || ex is ProxyException { Code: "upstream_timeout" };

    /// <summary>A non-streamed call cut before its answer, counted at what it may have cost: all it reserved.</summary>
    private static UsageDetails WholeReservation(ChatTurn turn, TokenReservation reservation)
    {
        var output = Math.Max(0, reservation.Tokens - turn.EstimatedPromptTokens);
        return new UsageDetails { InputTokenCount = turn.EstimatedPromptTokens, OutputTokenCount = output, TotalTokenCount = turn.EstimatedPromptTokens + output };
    }

    private void RecordReportedPromptTokens(ChatTurn turn, UsageDetails? reported)
    {
        if (!turn.FromResponseCache)
        {
            metrics.RecordReportedPromptTokens(reported, turn.AnsweringRoute.ProviderName);
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
