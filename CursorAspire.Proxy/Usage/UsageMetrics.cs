using System.Diagnostics.Metrics;
using CursorAspire.Proxy.Telemetry;

namespace CursorAspire.Proxy.Usage;

/// <summary>
/// Tokens, cost and savings on the <c>CursorAspire</c> meter, per model and key name, so the Aspire dashboard's Metrics
/// page answers "what did today cost me": <c>cursoraspire.tokens</c> (with <c>gen_ai.token.type</c>: <c>input</c>,
/// <c>output</c>, and <c>cached_input</c>/<c>cache_write</c> within the input), <c>cursoraspire.cost</c> and
/// <c>cursoraspire.cost.saved</c> (by <c>source</c>: <c>provider_cache</c> or <c>response_cache</c>).
/// </summary>
public sealed class UsageMetrics(ProxyMeter meter)
{
    public Counter<long> Tokens { get; } = meter.Meter.CreateCounter<long>("cursoraspire.tokens", "{token}", "Tokens of upstream calls by model, key name and gen_ai.token.type.");
    public Counter<double> Cost { get; } = meter.Meter.CreateCounter<double>("cursoraspire.cost", "{currency}", "Estimated cost of upstream calls at Proxy:Models:<alias>:Pricing.");
    public Counter<double> Saved { get; } = meter.Meter.CreateCounter<double>("cursoraspire.cost.saved", "{currency}", "Estimated cost avoided by the provider's prompt cache and the proxy's response cache.");
}
