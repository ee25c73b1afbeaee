using System.Collections.Concurrent;
using System.Diagnostics;

namespace CursorAspire.LoadHarness;

/// <summary>
/// Where a request's time goes before the upstream sees it, from the activities HttpClient (<c>System.Net.Http</c>) and
/// Kestrel (<c>Microsoft.AspNetCore</c>) start for every request in this process: per trace, when each HTTP request left
/// a client and when a server began it. A direct request is client → stand-in; a proxied one is client → proxy, then
/// proxy → stand-in, so the gap between the proxy beginning the request and its own call to the upstream is the
/// proxy's own work before the upstream call (reading and checking the body, keys, limits, routing, the IChatClient
/// pipeline and the provider client writing its request).
/// </summary>
/// <remarks>
/// The proxy's OpenTelemetry already creates these activities (its tracing listens to both sources in this process);
/// this listener only notes a timestamp when each starts.
/// </remarks>
public sealed class HopTimeline : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentDictionary<ActivityTraceId, List<(long Timestamp, bool Server)>> _traces = new();
    private volatile bool _recording;

    public HopTimeline()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = Record,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Start()
    {
        _traces.Clear();
        _recording = true;
    }

    /// <summary>Stops recording and returns each complete trace's hops; a trace of another shape is left out.</summary>
    public IReadOnlyList<HopTiming> Stop()
    {
        _recording = false;
        var hops = new List<HopTiming>(_traces.Count);
        foreach (var events in _traces.Values)
        {
            var sorted = events.OrderBy(e => e.Timestamp).ToArray();
            if (sorted is [(var sent, false), (var begun, true)])
            {
                hops.Add(new HopTiming(Ms(sent, begun), double.NaN, double.NaN));
            }
            else if (sorted is [(var toProxy, false), (var proxyBegun, true), (var toUpstream, false), (var upstreamBegun, true)])
            {
                hops.Add(new HopTiming(Ms(toProxy, proxyBegun), Ms(proxyBegun, toUpstream), Ms(toUpstream, upstreamBegun)));
            }
        }
        return hops;
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Activity activity)
    {
        if (!_recording)
        {
            return;
        }
        var timestamp = Stopwatch.GetTimestamp();
        var events = _traces.GetOrAdd(activity.TraceId, static _ => new List<(long, bool)>(4));
        lock (events)
        {
            events.Add((timestamp, activity.Kind == ActivityKind.Server));
        }
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;
}
