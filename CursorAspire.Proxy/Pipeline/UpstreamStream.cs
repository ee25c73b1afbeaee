using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Pipeline;

/// <summary>
/// An upstream stream that has produced its first update (so the request can commit to 200). Owns the
/// enumerator and the token source its cancellation hangs on.
/// </summary>
public sealed class UpstreamStream(IAsyncEnumerator<ChatResponseUpdate> updates, CancellationTokenSource cancellation, bool hasFirst) : IAsyncDisposable
{
    /// <summary>Whether <see cref="Current"/> holds an update; false for a stream that ended without any.</summary>
    public bool HasCurrent { get; private set; } = hasFirst;

    public ChatResponseUpdate Current => updates.Current;

    public async ValueTask<bool> MoveNextAsync() => HasCurrent = await updates.MoveNextAsync().ConfigureAwait(false);

    public async ValueTask DisposeAsync()
    {
        await updates.DisposeAsync().ConfigureAwait(false);
        cancellation.Dispose();
    }
}
