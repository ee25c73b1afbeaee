using System.Diagnostics.Metrics;
using CursorAspire.Proxy.Telemetry;

namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// Reasoning continuity on the <c>CursorAspire</c> meter: <c>cursoraspire.reasoning.stored</c>,
/// <c>.restored</c>, <c>.missed</c> and <c>.not_stored</c>, each tagged with the provider.
/// </summary>
public sealed class ReasoningMetrics(ProxyMeter meter)
{
    public Counter<long> Stored { get; } = meter.Meter.CreateCounter<long>("cursoraspire.reasoning.stored", "{turn}", "Tool-call turns whose reasoning was stored for the model's next request.");
    public Counter<long> Restored { get; } = meter.Meter.CreateCounter<long>("cursoraspire.reasoning.restored", "{message}", "Assistant tool-call messages that got their model's stored reasoning back.");
    public Counter<long> Missed { get; } = meter.Meter.CreateCounter<long>("cursoraspire.reasoning.missed", "{message}", "Assistant tool-call messages whose reasoning was no longer stored (expired, never stored, or another key's).");
    public Counter<long> NotStored { get; } = meter.Meter.CreateCounter<long>("cursoraspire.reasoning.not_stored", "{turn}", "Tool-call turns whose reasoning could not be stored (over Proxy:Reasoning:MaxBytes, or the store failed).");
}
