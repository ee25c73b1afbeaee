using System.Diagnostics.Metrics;
using CursorAspire.Proxy.Telemetry;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// Reasoning continuity on the <c>CursorAspire</c> meter: <c>cursoraspire.reasoning.stored</c>,
/// <c>.restored</c>, <c>.missed</c> and <c>.not_stored</c>, each tagged with the provider.
/// </summary>
public sealed class ReasoningMetrics
{
    public ReasoningMetrics(ProxyMeter proxyMeter)
    {
        var meter = proxyMeter.Meter;
        Stored = meter.CreateCounter<long>("cursoraspire.reasoning.stored", "{turn}", "Tool-call turns whose reasoning was stored for the model's next request.");
        Restored = meter.CreateCounter<long>("cursoraspire.reasoning.restored", "{message}", "Assistant tool-call messages that got their model's stored reasoning back.");
        Missed = meter.CreateCounter<long>("cursoraspire.reasoning.missed", "{message}", "Assistant tool-call messages whose reasoning was no longer stored (expired, never stored, or another key's).");
        NotStored = meter.CreateCounter<long>("cursoraspire.reasoning.not_stored", "{turn}", "Tool-call turns whose reasoning could not be stored (over Proxy:Reasoning:MaxBytes, or the store failed).");
    }

    public Counter<long> Stored { get; }
    public Counter<long> Restored { get; }
    public Counter<long> Missed { get; }
    public Counter<long> NotStored { get; }
}
