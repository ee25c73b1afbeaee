using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Edge;
using CursorAspire.Proxy.Errors;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// The one responder both model endpoints share, streamed and not: reserves room in the key's budget
/// (<see cref="TokenBudget"/>), calls the turn's routes (<see cref="UpstreamCall"/>), has the endpoint's format write the
/// answer, tells it when the answer is a replay from the response cache (whose prompt cost nothing), records the prompt
/// size the upstream reported, and settles the reservation to what the request cost once it ends, however it ends.
/// </summary>
/// <remarks>
/// A stream opens (status 200, headers, the format's start and Chat Completions' role chunk) at the first content, or
/// <c>Proxy:StreamOpenAfter</c> after the request when the model has written nothing yet (a thinking model may take
/// minutes): Cursor sees the stream open within a second and the reasoning as it arrives. Until the first content, a
/// failing route still hands over to its fallbacks (<see cref="UpstreamCall.StartStreamAsync"/>); a failure of the last
/// one before the stream opened is a real HTTP status, after it the text the format shows for a failed stream.
/// <para>What an unfinished request cost: a stream the upstream broke off or the client left, its prompt and the output
/// written so far; a request cut before any answer (the proxy's first-byte deadline, the client leaving), its prompt;
/// a non-streamed call cut the same way, its whole reservation, since the provider may have finished an answer nobody
/// received and the proxy cannot see how far it got; a request the upstream refused, nothing.</para>
/// </remarks>
public sealed class ChatResponder(UpstreamCall calls, ProxyMetrics metrics, UsageAccounting usage, TokenBudget budget, CheckProofs checks, IOptions<StreamOpeningOptions> opening, TimeProvider time)
{
    private readonly TimeSpan _openAfter = opening.Value.StreamOpenAfter;

    /// <summary>
    /// The stream loop: start the upstream call, open the event stream at the first content or when
    /// <c>Proxy:StreamOpenAfter</c> passed, write each update through the endpoint's wire format, and end it, or report a
    /// failure after the stream opened as the format says.
    /// </summary>
    /// <param name="context">The request being answered.</param>
    /// <param name="turn">The routed request.</param>
    /// <param name="createWriter">
    /// Creates the wire format's writer when the stream opens, told whether the answer is a replay from the response
    /// cache (known once the answer started; a stream opened before that is told it is not).
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
        using var stream = new OpeningStream(context, turn, createWriter, time, _openAfter);
        UpstreamStream upstream;
        try
        {
            if (_openAfter <= TimeSpan.Zero)
            {
                await stream.OpenAsync(waiting: true).ConfigureAwait(false);
            }
            upstream = await stream.UntilOpenedAsync(new ValueTask<UpstreamStream>(calls.StartStreamAsync(turn, aborted))).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await SettleFailedCallAsync(turn, reservation, ex, () => UsageAccounting.PromptOnly(turn), aborted).ConfigureAwait(false);
            if (stream.Writer is not { } opened || aborted.IsCancellationRequested)
            {
                throw;
            }
            // Every route failed before its first content, after the stream opened: the status is already 200.
            opened.WriteFailed(calls.StreamFailed(ex, turn), context.Response.BodyWriter);
            await context.Response.BodyWriter.FlushAsync(aborted).ConfigureAwait(false);
            return;
        }
        await using var updates = upstream;
        await stream.OpenAsync(waiting: false).ConfigureAwait(false);

        var writer = stream.Writer!;
        var output = context.Response.BodyWriter;
        var received = completed is null ? null : new List<ChatResponseUpdate>();
        UsageDetails? spent = null;
        try
        {
            try
            {
                while (updates.HasCurrent)
                {
                    received?.Add(updates.Current);
                    if (writer.WriteUpdate(updates.Current, output))
                    {
                        await stream.FlushAsync().ConfigureAwait(false);
                    }
                    await stream.UntilOpenedAsync(updates.MoveNextAsync()).ConfigureAwait(false);
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
        ChatResponse answer;
        try
        {
            answer = await calls.CompleteAsync(turn, aborted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await SettleFailedCallAsync(turn, reservation, ex, () => WholeReservation(turn, reservation), aborted).ConfigureAwait(false);
            throw;
        }
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
    /// Settles the reservation of a call that failed before any answer: at <paramref name="cutCost"/> when it was cut
    /// (the proxy's first-byte deadline, the client leaving: the upstream had its prompt), at nothing when the upstream
    /// refused it.
    /// </summary>
    private Task SettleFailedCallAsync(ChatTurn turn, TokenReservation reservation, Exception ex, Func<UsageDetails> cutCost, CancellationToken aborted) =>
        usage.RecordAsync(turn, aborted.IsCancellationRequested || ex is ProxyException { Code: "upstream_timeout" } ? cutCost() : null, fromResponseCache: false, reservation);

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
}
