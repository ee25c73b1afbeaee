using System.Text.Encodings.Web;

namespace CursorAspire.TestUpstreams;

/// <summary>
/// One request being answered: the HTTP context, its recording, and a token that fires when the client goes away
/// or the stand-in stops (so a hanging reply never outlives the server).
/// </summary>
internal sealed class Exchange(HttpContext context, RecordedRequest request, StandInState state, CancellationToken token)
{
    // Relaxed escaping: real servers send quotes and non-ASCII as-is, not as \u0022.
    private static readonly JsonSerializerOptions WireJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public HttpContext Context { get; } = context;

    public RecordedRequest Request { get; } = request;

    public StandInState State { get; } = state;

    public CancellationToken Token { get; } = token;

    public HttpResponse Response => Context.Response;

    public static Exchange Of(HttpContext context) =>
        context.Features.Get<Exchange>() ?? throw new InvalidOperationException("The recording middleware did not run.");

    public static string Serialize(JsonNode node) => node.ToJsonString(WireJson);

    /// <summary>Writes a whole JSON response.</summary>
    public Task WriteJsonAsync(int status, JsonNode body, string contentType = "application/json; charset=utf-8")
    {
        Response.StatusCode = status;
        Response.ContentType = contentType;
        return Response.WriteAsync(Serialize(body), Encoding.UTF8, Token);
    }

    /// <summary>Writes text and flushes it to the socket at once, as a streaming server must.</summary>
    public async Task WriteAndFlushAsync(string text)
    {
        await Response.WriteAsync(text, Encoding.UTF8, Token).ConfigureAwait(false);
        await Response.Body.FlushAsync(Token).ConfigureAwait(false);
    }

    public Task DelayAsync(TimeSpan delay) =>
        delay > TimeSpan.Zero ? Task.Delay(delay, State.Time, Token) : Task.CompletedTask;

    /// <summary>
    /// Waits until <paramref name="sinceArrival"/> after the request arrived. Measured from the arrival rather than from
    /// now, so a test that advances a fake clock before this wait starts still moves the reply on.
    /// </summary>
    public Task DelayUntilAsync(TimeSpan sinceArrival) =>
        DelayAsync(Request.ReceivedAt + sinceArrival - State.Time.GetUtcNow());

    /// <summary>Waits until chunk <paramref name="index"/> of a streamed reply is due (see <see cref="TimedChunk"/>).</summary>
    public Task PaceAsync(StandInReply reply, TimedChunk chunk, int index) =>
        chunk.DueAfterArrival is { } due ? DelayUntilAsync(due)
        : index > 0 ? DelayAsync(reply.ChunkDelay)
        : Task.CompletedTask;

    /// <summary>
    /// Gives the request its reply (recorded with it), waits out the reply's delay before the first byte (counted from the
    /// request's arrival), and answers with
    /// the reply's scripted error instead if it has one, in the API's own shape (<paramref name="writeError"/>).
    /// </summary>
    /// <returns>Whether the error was the answer.</returns>
    public async Task<bool> ErrsBeforeFirstByteAsync(StandInReply reply, Func<Exchange, StandInErrorStatus, Task> writeError)
    {
        Request.Reply = reply;
        await DelayUntilAsync(reply.DelayBeforeFirstByte).ConfigureAwait(false);
        if (reply.StatusBeforeFirstByte is not { } error)
        {
            return false;
        }
        await writeError(this, error).ConfigureAwait(false);
        return true;
    }

    /// <summary>Keeps the connection open, sending nothing, until the client aborts or the stand-in stops.</summary>
    public async Task HangAsync()
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!Context.RequestAborted.IsCancellationRequested)
        {
            // The stand-in is stopping: break the connection rather than let a hung reply end as if it were complete.
            Request.MarkServerAborted();
            Context.Abort();
        }
        catch (OperationCanceledException)
        {
            // The client went away: that ends the hang.
        }
    }

    /// <summary>Aborts the TCP connection mid-response, marking it as aborted on purpose.</summary>
    public async Task AbortConnectionAsync()
    {
        // A flush only hands bytes to Kestrel's output pipe and Abort() discards what is still queued there: give the
        // chunks already "sent" time to reach the socket, so the client sees them and then the broken connection.
        try
        {
            await Task.Delay(AbortGracePeriod, Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return; // the client left first
        }

        Request.MarkServerAborted();
        Context.Abort();
    }

    private static readonly TimeSpan AbortGracePeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Carries out the reply's scripted failure or hang once <paramref name="written"/> of its <paramref name="total"/>
    /// chunks are out (a count at or above the total applies after the last one; see <see cref="StandInReply"/>).
    /// </summary>
    /// <returns>Whether the reply ends here.</returns>
    public async Task<bool> StopsAfterAsync(StandInReply reply, int written, int total)
    {
        if (reply.FailAfterChunks is { } fail && (written == fail || (written == total && fail >= total)))
        {
            await AbortConnectionAsync().ConfigureAwait(false);
            return true;
        }

        if (reply.HangAfterChunks is { } hang && (written == hang || (written == total && hang >= total)))
        {
            await HangAsync().ConfigureAwait(false);
            return true;
        }

        return false;
    }

    /// <summary>Adds <c>Retry-After</c> in whole seconds, rounded up.</summary>
    public void SetRetryAfter(TimeSpan? retryAfter)
    {
        if (retryAfter is { } value)
        {
            Response.Headers.RetryAfter = ((long)Math.Ceiling(value.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
