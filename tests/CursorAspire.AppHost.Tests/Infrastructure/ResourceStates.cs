using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace CursorAspire.AppHost.Tests.Infrastructure;

/// <summary>Records every dashboard state a resource goes through, from the moment it is created.</summary>
public sealed class ResourceStates : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _states = new();
    private CustomResourceSnapshot? _last;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watch;

    internal ResourceStates(ResourceNotificationService notifications, string resourceName)
    {
        _watch = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in notifications.WatchAsync(_stop.Token))
                {
                    if (e.Resource.Name == resourceName)
                    {
                        Volatile.Write(ref _last, e.Snapshot);
                    }

                    if (e.Resource.Name == resourceName && e.Snapshot.State?.Text is { Length: > 0 } text &&
                        (_states.IsEmpty || _states.Last() != text))
                    {
                        _states.Enqueue(text);
                    }
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

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watch;
        _stop.Dispose();
    }
}
