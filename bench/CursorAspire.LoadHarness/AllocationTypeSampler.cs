using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace CursorAspire.LoadHarness;

/// <summary>
/// With <c>--alloc-types</c>: listens to the runtime's <c>GCAllocationTick</c> events (one per ~100 KB allocated,
/// naming the type whose allocation crossed the mark) and sums their amounts by type. Statistical, and for the whole
/// process; the report shows the proxy phase minus the direct phase, which is the proxy's share by type.
/// </summary>
public sealed class AllocationTypeSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new();
    private volatile bool _recording;

    /// <summary>Estimated bytes allocated per type while recording.</summary>
    public IReadOnlyDictionary<string, long> BytesByType => _bytesByType;

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
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (!_recording || eventData.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true
            || eventData.PayloadNames is not { } names || eventData.Payload is not { } payload)
        {
            return;
        }
        var typeIndex = names.IndexOf("TypeName");
        var amountIndex = names.IndexOf("AllocationAmount64");
        var type = typeIndex >= 0 ? payload[typeIndex] as string ?? "?" : "?";
        var amount = amountIndex >= 0 && payload[amountIndex] is ulong amount64 ? (long)amount64 : 100 * 1024;
        _bytesByType.AddOrUpdate(type, amount, (_, total) => total + amount);
    }
}
