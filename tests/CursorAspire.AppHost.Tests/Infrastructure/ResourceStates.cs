using System.Collections.Concurrent;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Records every dashboard state a resource goes through, from the moment it is created.</summary>
/// <remarks>
/// The recording trails the notifications a little (it watches them on its own task), so a test that needs a state
/// awaits <see cref="WaitUntilAsync"/>, which wakes on each recorded update, rather than polling.
/// </remarks>
public sealed class ResourceStates : IAsyncDisposable
{
    private readonly string _resourceName;
    private readonly ConcurrentQueue<string> _states = new();
    private CustomResourceSnapshot? _last;
    private TaskCompletionSource _updated = NewSignal();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    internal ResourceStates(ResourceNotificationService notifications, string resourceName)
    {
        _resourceName = resourceName;
        _watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in notifications.WatchAsync(_stop.Token))
                {
                    if (e.Resource.Name != resourceName)
                    {
                        continue;
                    }

                    Volatile.Write(ref _last, e.Snapshot);
                    if (e.Snapshot.State?.Text is { Length: > 0 } text && (_states.IsEmpty || _states.Last() != text))
                    {
                        _states.Enqueue(text);
                    }

                    Interlocked.Exchange(ref _updated, NewSignal()).TrySetResult();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>The distinct consecutive states seen so far.</summary>
    public IReadOnlyList<string> Seen => _states.ToArray();

    /// <summary>The latest snapshot seen.</summary>
    public CustomResourceSnapshot? Last => Volatile.Read(ref _last);

    /// <summary>
    /// Completes once <paramref name="done"/> holds for what has been recorded (checked now and after every update);
    /// throws <see cref="TimeoutException"/>, naming the states seen, if <paramref name="cancellationToken"/> ends the wait first.
    /// </summary>
    public async Task WaitUntilAsync(Func<ResourceStates, bool> done, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before checking, so an update between the check and the wait is not missed.
            var updated = Volatile.Read(ref _updated).Task;
            if (done(this))
            {
                return;
            }

            try
            {
                await updated.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"'{_resourceName}' did not reach the awaited state; states seen: {string.Join(" → ", Seen)}; "
                    + $"last properties: {string.Join(", ", Last?.Properties.Select(p => p.Name) ?? [])}.");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
