using CursorAspire.Proxy.Routing;
using CursorAspire.Proxy.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace CursorAspire.Proxy.Endpoints;

/// <summary>
/// One streamed answer's response while it opens: commits it to an event stream once, creates the format's writer, and
/// opens it early, with the format's waiting sign (Chat Completions' role chunk), when the model keeps it waiting longer
/// than <c>Proxy:StreamOpenAfter</c> before anything went out.
/// </summary>
/// <remarks>
/// The timer exists only for a request that actually waits (most answers start sooner), and only one writer ever writes:
/// opening early happens on the request's own flow, between two awaits of the upstream.
/// </remarks>
internal sealed class OpeningStream(HttpContext context, ChatTurn turn, Func<bool, IChatStreamWriter> createWriter, TimeProvider time, TimeSpan openAfter) : IDisposable
{
    private readonly long _started = time.GetTimestamp();
    private CancellationTokenSource? _timer;
    private Task? _due;
    private bool _flushed;

    /// <summary>The format's writer, once the stream opened.</summary>
    public IChatStreamWriter? Writer { get; private set; }

    /// <summary>
    /// Opens the stream if it is not open yet (headers, the format's start); <paramref name="waiting"/> also writes the
    /// format's waiting sign and sends it at once, since no answer is on its way yet.
    /// </summary>
    public async ValueTask OpenAsync(bool waiting)
    {
        var output = context.Response.BodyWriter;
        var wrote = false;
        if (Writer is null)
        {
            BeginEventStream(context);
            Writer = createWriter(turn.FromResponseCache);
            wrote = Writer.WriteStart(output);
        }
        if (waiting)
        {
            wrote |= Writer.WriteWaiting(output);
            await context.Response.StartAsync(context.RequestAborted).ConfigureAwait(false);
        }
        if (wrote || waiting)
        {
            await FlushAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends what was written; from then on the client has something and the stream needs no opening any more.</summary>
    public async ValueTask FlushAsync()
    {
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        _flushed = true;
    }

    /// <summary>Awaits <paramref name="pending"/>; while nothing went out, opens the stream when <c>Proxy:StreamOpenAfter</c> passes first.</summary>
    public async ValueTask<T> UntilOpenedAsync<T>(ValueTask<T> pending)
    {
        if (_flushed || pending.IsCompleted)
        {
            return await pending.ConfigureAwait(false);
        }
        var task = pending.AsTask();
        var due = Due();
        if (await Task.WhenAny(task, due).ConfigureAwait(false) == due && !due.IsCanceled)
        {
            await OpenAsync(waiting: true).ConfigureAwait(false);
        }
        return await task.ConfigureAwait(false);
    }

    public void Dispose()
    {
        _timer?.Cancel();
        _timer?.Dispose();
    }

    private Task Due()
    {
        if (_due is null)
        {
            var remaining = openAfter - time.GetElapsedTime(_started);
            if (remaining <= TimeSpan.Zero)
            {
                return _due = Task.CompletedTask;
            }
            _timer = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
            _due = Task.Delay(remaining, time, _timer.Token);
            // The clock may have moved past the opening while the delay was being set up (it then counts from too late).
            if (time.GetElapsedTime(_started) >= openAfter)
            {
                _due = Task.CompletedTask;
            }
        }
        return _due;
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
