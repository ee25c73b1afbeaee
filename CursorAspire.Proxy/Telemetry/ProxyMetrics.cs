using System.Diagnostics.Metrics;

namespace CursorAspire.Proxy.Telemetry;

/// <summary>The proxy's own counters, on the <see cref="ProxyMeter"/>.</summary>
public sealed class ProxyMetrics(ProxyMeter meter)
{
    public Counter<long> Requests { get; } = meter.Meter.CreateCounter<long>("cursoraspire.requests", description: "Chat requests by route and shape.");
    public Counter<long> DefaultedRoutes { get; } = meter.Meter.CreateCounter<long>("cursoraspire.routes.defaulted", description: "Requests for unknown model names sent to the default model.");
    public Counter<long> StreamErrors { get; } = meter.Meter.CreateCounter<long>("cursoraspire.stream.errors", description: "Upstream failures after a stream had started (shown to the user as text).");
    public Counter<long> UpstreamErrors { get; } = meter.Meter.CreateCounter<long>("cursoraspire.upstream.errors", description: "Upstream failures before the first byte, by status.");
    public Counter<long> UpstreamRetries { get; } = meter.Meter.CreateCounter<long>("cursoraspire.upstream.retries", "{retry}", "Upstream calls retried before the first byte, by provider.");
    public Counter<long> BreakerOpened { get; } = meter.Meter.CreateCounter<long>("cursoraspire.upstream.breaker_opened", "{event}", "Times a provider's breaker opened (its routes then go straight to their fallbacks).");
    public Counter<long> RoutesSkipped { get; } = meter.Meter.CreateCounter<long>("cursoraspire.routes.skipped", "{route}", "Routes that did not answer a request and why (breaker_open, or the error code), so the next route did.");
    public Counter<long> RoutesAnswered { get; } = meter.Meter.CreateCounter<long>("cursoraspire.routes.answered", "{request}", "Requests by the route that answered them, and whether it was a fallback.");
    public Histogram<long> EstimatedPromptTokens { get; } = meter.Meter.CreateHistogram<long>("cursoraspire.prompt_tokens.estimated", "{token}", "The proxy's prompt-size estimate per request.");
    public Histogram<long> ReportedPromptTokens { get; } = meter.Meter.CreateHistogram<long>("cursoraspire.prompt_tokens.reported", "{token}", "The prompt size the upstream reported, for requests where it did (compare with the estimate).");

    /// <summary>Records the upstream's reported prompt size, when it gave one.</summary>
    public void RecordReportedPromptTokens(UsageDetails? usage, string provider)
    {
        if (usage?.InputTokenCount is { } tokens)
        {
            ReportedPromptTokens.Record(tokens, new KeyValuePair<string, object?>("cursoraspire.provider", provider));
        }
    }
}
