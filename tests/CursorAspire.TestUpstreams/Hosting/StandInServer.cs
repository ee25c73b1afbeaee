namespace CursorAspire.TestUpstreams;

/// <summary>
/// A running stand-in upstream on real Kestrel: where it listens, what it will answer, and what it received.
/// </summary>
/// <remarks>Thread-safe. Dispose it to stop the server; a hanging reply ends when the server stops.</remarks>
public abstract class StandInServer : IAsyncDisposable
{
    /// <summary>How long <see cref="NextRequestAsync"/> and <see cref="NextChatRequestAsync"/> wait by default.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(10);

    private readonly WebApplication _app;
    private readonly StandInState _state;
    private int _disposed;

    private protected StandInServer(WebApplication app, Uri baseUri, StandInState state)
    {
        _app = app;
        _state = state;
        BaseUri = baseUri;
    }

    /// <summary>The root address, with the actual port and a trailing slash, e.g. <c>http://127.0.0.1:40123/</c>.</summary>
    public Uri BaseUri { get; }

    /// <summary>Number of chat calls received (<c>POST /api/chat</c> and <c>POST /v1/chat/completions</c>), whatever their outcome.</summary>
    public int CallCount => _state.Log.ChatCount;

    /// <summary>Every request received so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> Requests => _state.Log.Snapshot();

    /// <summary>The chat calls received so far, in order of arrival.</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests => [.. _state.Log.Snapshot().Where(r => r.IsChat)];

    /// <summary>Replies queued and not yet used.</summary>
    public int PendingReplies => _state.Script.Pending;

    /// <summary>Queues replies for the next chat calls, in order. When the queue is empty the default reply is used.</summary>
    public void Enqueue(params StandInReply[] replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        foreach (var reply in replies)
        {
            ArgumentNullException.ThrowIfNull(reply);
            _state.Script.Enqueue(_ => reply);
        }
    }

    /// <summary>Queues a reply computed from the request it answers.</summary>
    public void Enqueue(Func<RecordedRequest, StandInReply> reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        _state.Script.Enqueue(reply);
    }

    /// <summary>
    /// The next request (of any kind) not yet returned by this method, waiting for it to arrive.
    /// </summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/> (default <see cref="DefaultWaitTimeout"/>).</exception>
    public Task<RecordedRequest> NextRequestAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _state.Log.NextAsync(chatOnly: false, timeout ?? DefaultWaitTimeout, cancellationToken);

    /// <summary>
    /// The next chat call not yet returned by this method (its own cursor, independent of <see cref="NextRequestAsync"/>).
    /// </summary>
    /// <exception cref="TimeoutException">None arrived within <paramref name="timeout"/> (default <see cref="DefaultWaitTimeout"/>).</exception>
    public Task<RecordedRequest> NextChatRequestAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        _state.Log.NextAsync(chatOnly: true, timeout ?? DefaultWaitTimeout, cancellationToken);

    /// <summary>Completes when the server is asked to stop (SIGTERM or Ctrl+C in executable mode).</summary>
    public Task WaitForShutdownAsync(CancellationToken cancellationToken = default) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops the server (ending hanging replies) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _app.StopAsync(deadline.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }

        GC.SuppressFinalize(this);
    }
}
