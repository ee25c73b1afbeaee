using CursorAspire.Proxy.Calls;
using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Usage;
using CursorAspire.Proxy.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// The one responder both model endpoints share, streamed and not: calls the turn's routes (<see cref="UpstreamCall"/>),
/// has the endpoint's format write the answer, tells it when the answer is a replay from the response cache (whose
/// prompt cost nothing), records the prompt size the upstream reported, and counts the usage once the answer went out.
/// </summary>
/// <remarks>
/// A stream opens (status 200, headers, the format's start and Chat Completions' role chunk) at the first content, or
/// <c>Proxy:StreamOpenAfter</c> after the request when the model has written nothing yet (a thinking model may take
/// minutes): Cursor sees the stream open within a second and the reasoning as it arrives. Until the first content, a
/// failing route still hands over to its fallbacks (<see cref="UpstreamCall.StartStreamAsync"/>); a failure of the last
/// one before the stream opened is a real HTTP status, after it the text the format shows for a failed stream.
/// </remarks>
public sealed class ChatResponder(UpstreamCall calls, ProxyMetrics metrics, UsageAccounting usage, IOptions<StreamOpeningOptions> opening, TimeProvider time)
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
        using var stream = new OpeningStream(context, turn, createWriter, time, _openAfter);
        if (_openAfter <= TimeSpan.Zero)
        {
            await stream.OpenAsync(waiting: true).ConfigureAwait(false);
        }
        UpstreamStream upstream;
        try
        {
            upstream = await stream.UntilOpenedAsync(new ValueTask<UpstreamStream>(calls.StartStreamAsync(turn, aborted))).ConfigureAwait(false);
        }
        catch (Exception ex) when (stream.Writer is { } opened && !aborted.IsCancellationRequested)
        {
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
            await usage.RecordAsync(turn, spent ?? writer.UsageSoFar, turn.FromResponseCache, CheckRequestHeader.IsPresent(context)).ConfigureAwait(false);
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
        var isCheck = CheckRequestHeader.IsPresent(context);
        var answer = await usage.CountingAbandonedAsync(turn, calls.CompleteAsync, isCheck, context.RequestAborted).ConfigureAwait(false);
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
        var told = await write(answer, replayed, context.RequestAborted).ConfigureAwait(false);
        await usage.RecordAsync(turn, told, turn.FromResponseCache, isCheck).ConfigureAwait(false);
    }

    private void RecordReportedPromptTokens(ChatTurn turn, UsageDetails? reported)
    {
        if (!turn.FromResponseCache)
        {
            metrics.RecordReportedPromptTokens(reported, turn.AnsweringRoute.ProviderName);
        }
    }
}
