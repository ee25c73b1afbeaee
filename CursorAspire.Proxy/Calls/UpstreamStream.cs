using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// An upstream stream that has produced its first update (so the request can commit to 200), held to the proxy's
/// deadlines from then on: a new update within <c>Proxy:UpstreamIdleTimeout</c>, the whole call within
/// <c>Proxy:UpstreamTotalTimeout</c>. A deadline cancels the upstream call (it sees the connection close) and surfaces
/// as <see cref="UpstreamDeadlineException"/>. Owns the enumerator and the token sources its cancellation hangs on.
/// </summary>
public sealed class UpstreamStream(
    IAsyncEnumerator<ChatResponseUpdate> updates,
    CancellationTokenSource call,
    CancellationTokenSource total,
    CancellationToken aborted,
    bool hasFirst,
    TimeSpan idleTimeout,
    TimeSpan totalTimeout,
    ModelRoute route) : IAsyncDisposable
{
    /// <summary>Whether <see cref="Current"/> holds an update; false for a stream that ended without any.</summary>
    /// <remarks>
    /// A deadline shows up as whatever the client throws when its response is closed under it (a cancellation, or an
    /// I/O error from the aborted read); the token says which it was.
    /// </remarks>
    public bool HasCurrent { get; private set; } = hasFirst;

    public ChatResponseUpdate Current => updates.Current;

    /// <summary>The route that is answering.</summary>
    public ModelRoute Route { get; } = route;

    public async ValueTask<bool> MoveNextAsync()
    {
        // The idle clock runs only while waiting on the upstream, not while the client is slow to take what came.
        call.CancelAfter(idleTimeout);
        try
        {
            HasCurrent = await updates.MoveNextAsync().ConfigureAwait(false);
            call.CancelAfter(Timeout.InfiniteTimeSpan);
            return HasCurrent;
        }
        catch (Exception ex) when (!aborted.IsCancellationRequested && call.IsCancellationRequested)
        {
            throw total.IsCancellationRequested
                ? new UpstreamDeadlineException($"The model's answer took longer than {totalTimeout} (Proxy:UpstreamTotalTimeout), so the proxy stopped it.", ex)
                : new UpstreamDeadlineException($"The model sent nothing for {idleTimeout} (Proxy:UpstreamIdleTimeout), so the proxy stopped waiting.", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await updates.DisposeAsync().ConfigureAwait(false);
        call.Dispose();
        total.Dispose();
    }
}
