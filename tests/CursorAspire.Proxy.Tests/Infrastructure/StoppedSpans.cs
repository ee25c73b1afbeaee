namespace CursorAspire.Proxy.Tests.Infrastructure;

/// <summary>
/// Listens, with every span sampled, to the spans the chosen sources stop, for tests that read a span's tags. Spans of
/// tests running at the same time come through too: a test picks its own by a trace id of its own.
/// </summary>
public sealed class StoppedSpans : IDisposable
{
    private readonly ActivityListener _listener;

    /// <param name="sources">The sources to listen to.</param>
    /// <param name="stopped">Called for each span stopped (null: the spans are only sampled).</param>
    public StoppedSpans(Func<ActivitySource, bool> sources, Action<Activity>? stopped = null)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = sources,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans <paramref name="sourceName"/> stops.</summary>
    public StoppedSpans(string sourceName, Action<Activity> stopped)
        : this(source => source.Name == sourceName, stopped)
    {
    }

    /// <summary>
    /// Collects into <paramref name="values"/> the value of <paramref name="tag"/> on each span of trace
    /// <paramref name="traceId"/> that <paramref name="sourceName"/> stops.
    /// </summary>
    public static StoppedSpans Tag(string sourceName, ActivityTraceId traceId, string tag, out ConcurrentBag<object?> values)
    {
        var collected = new ConcurrentBag<object?>();
        values = collected;
        return new StoppedSpans(sourceName, span =>
        {
            if (span.TraceId == traceId)
            {
                collected.Add(span.GetTagItem(tag));
            }
        });
    }

    public void Dispose() => _listener.Dispose();
}
