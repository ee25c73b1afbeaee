namespace CursorAspire.TestUpstreams;

/// <summary>
/// Thread-safe record of every request a stand-in received, with awaitable "next request" cursors.
/// </summary>
internal sealed class RequestLog
{
    private readonly object _gate = new();
    private readonly List<RecordedRequest> _requests = [];
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _anyCursor;
    private int _chatCursor;
    private int _chatCount;

    public int ChatCount => Volatile.Read(ref _chatCount);

    public IReadOnlyList<RecordedRequest> Snapshot()
    {
        lock (_gate)
        {
            return [.. _requests];
        }
    }

    public void Add(RecordedRequest request)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            request.Sequence = _requests.Count;
            _requests.Add(request);
            if (request.IsChat)
            {
                _chatCount++;
            }

            arrived = _arrived;
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        arrived.TrySetResult();
    }

    public async Task<RecordedRequest> NextAsync(bool chatOnly, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var start = chatOnly ? _chatCursor : _anyCursor;
                for (var i = start; i < _requests.Count; i++)
                {
                    if (!chatOnly || _requests[i].IsChat)
                    {
                        if (chatOnly) { _chatCursor = i + 1; } else { _anyCursor = i + 1; }
                        return _requests[i];
                    }
                }

                if (chatOnly) { _chatCursor = _requests.Count; } else { _anyCursor = _requests.Count; }
                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(deadline.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                var seen = string.Join(", ", Snapshot());
                throw new TimeoutException(
                    $"No {(chatOnly ? "chat " : string.Empty)}request arrived within {timeout}. Received so far: [{seen}]");
            }
        }
    }
}
