using CursorAspire.Proxy.Routing;

namespace CursorAspire.Proxy.Calls;

/// <summary>
/// An upstream stream that has produced its first content (so no other route can answer any more), held to the proxy's
/// deadlines from then on: a new update within <c>Proxy:UpstreamIdleTimeout</c>, the whole call within
/// <c>Proxy:UpstreamTotalTimeout</c>. A deadline cancels the upstream call (it sees the connection close) and surfaces
/// as <see cref="UpstreamDeadlineException"/>. Owns the enumerator and the token sources its cancellation hangs on.
/// </summary>
/// <remarks>
/// The updates without content that came before the first content (a role, a usage) are handed out first, in order:
/// <paramref name="leading"/>, then the enumerator's current update.
/// </remarks>
public sealed class UpstreamStream(
    IAsyncEnumerator<ChatResponseUpdate> updates,
    CancellationTokenSource call,
    CancellationTokenSource total,
    bool hasFirst,
    TimeSpan idleTimeout,
    TimeSpan totalTimeout,
    ModelRoute route,
    List<ChatResponseUpdate>? leading,
    CancellationToken aborted) : IAsyncDisposable
{
    private int _leading = leading is { Count: > 0 } ? 0 : -1;

    /// <summary>Whether <see cref="Current"/> holds an update; false for a stream that ended without any.</summary>
    /// <remarks>
    /// A deadline shows up as whatever the client throws when its response is closed under it (a cancellation, or an
    /// I/O error from the aborted read); the token says which it was.
    /// </remarks>
    public bool HasCurrent { get; private set; } = hasFirst || leading is { Count: > 0 };

    public ChatResponseUpdate Current => _leading >= 0 ? leading![_leading] : updates.Current;

    /// <summary>The route that is answering.</summary>
    public ModelRoute Route { get; } = route;

    public async ValueTask<bool> MoveNextAsync()
    {
        if (_leading >= 0)
        {
            // The content that ended the wait for the first one is already the enumerator's current update.
            _leading = _leading + 1 < leading!.Count ? _leading + 1 : -1;
            HasCurrent = _leading >= 0 || hasFirst;
            return HasCurrent;
        }
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
