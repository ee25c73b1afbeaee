using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace CursorAspire.LoadHarness;

/// <summary>
/// With <c>--alloc-types</c>: listens to the runtime's randomized allocation sampling (.NET 10's <c>AllocationSampled</c>
/// events, keyword <c>AllocationSampling</c>: on average one sample per 100 KB allocated, each byte equally likely to be
/// the one sampled) and sums an unbiased estimate of the bytes by type. Statistical, and for the whole process; the report
/// shows the proxy phase minus the upstream replay phase (the proxy's share by type) and minus the direct phase.
/// </summary>
/// <remarks>
/// Not <c>GCAllocationTick</c>, which this harness used before: a tick blames the object whose allocation crossed the
/// next 100 KB, checked when an allocation context (8 KB) is refilled, so the objects that happen to start a new context
/// are over-counted (it put ~5 KB a request on <c>LimitArrayPoolWriteStream</c>, a 56-byte object, where removing it
/// changed nothing).
/// </remarks>
public sealed class AllocationTypeSampler : EventListener
{
    private const EventKeywords AllocationSamplingKeyword = (EventKeywords)0x80000000000;

    /// <summary>The mean distance between samples (the runtime's <c>SamplingDistance</c>).</summary>
    private const double SamplingDistance = 100 * 1024;

    private readonly ConcurrentDictionary<string, double> _bytesByType = new();
    private volatile bool _recording;

    /// <summary>Estimated bytes allocated per type while recording.</summary>
    public IReadOnlyDictionary<string, long> BytesByType => _bytesByType.ToDictionary(p => p.Key, p => (long)p.Value);

    public void Start()
    {
        _bytesByType.Clear();
        _recording = true;
    }

    public void Stop() => _recording = false;

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, AllocationSamplingKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("AllocationSampled", StringComparison.Ordinal) != true
            || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }
        var typeIndex = names.IndexOf("TypeName");
        var sizeIndex = names.IndexOf("ObjectSize");
        var type = typeIndex >= 0 ? payload[typeIndex] as string ?? "?" : "?";
        var size = sizeIndex >= 0 ? Convert.ToDouble(payload[sizeIndex], System.Globalization.CultureInfo.InvariantCulture) : 0;
        // An object of S bytes is sampled with probability 1 − e^(−S/distance): weighing each sample by the inverse
        // (Horvitz–Thompson) makes the sum an unbiased estimate of the bytes, for small and large objects alike.
        var estimate = size > 0 ? size / (1 - Math.Exp(-size / SamplingDistance)) : SamplingDistance;
        _bytesByType.AddOrUpdate(type, estimate, (_, total) => total + estimate);
    }
}
