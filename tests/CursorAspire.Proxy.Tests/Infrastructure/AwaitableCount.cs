namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>A running total a test can wait on instead of sleeping: <see cref="Reaching"/> completes once it gets there.</summary>
public sealed class AwaitableCount
{
    private readonly Lock _gate = new();
    private readonly List<(long Target, TaskCompletionSource Reached)> _waiters = [];
    private long _total;

    public long Total
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    public void Add(long value)
    {
        lock (_gate)
        {
            _total += value;
            foreach (var waiter in _waiters.Where(w => w.Target <= _total).ToList())
            {
                waiter.Reached.SetResult();
                _waiters.Remove(waiter);
            }
        }
    }

    /// <summary>Completes when the total is at least <paramref name="target"/> (at once if it already is).</summary>
    public Task Reaching(long target)
    {
        lock (_gate)
        {
            if (_total >= target)
            {
                return Task.CompletedTask;
            }

            // Asynchronous continuations: the waiting test never runs on the thread that counted.
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, reached));
            return reached.Task;
        }
    }
}
