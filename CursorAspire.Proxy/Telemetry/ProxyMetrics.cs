using System.Diagnostics.Metrics;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Telemetry;

/// <summary>The proxy's own counters, on the <c>CursorAspire</c> meter the service defaults export.</summary>
public sealed class ProxyMetrics
{
    public const string MeterName = "CursorAspire";

    public ProxyMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        Requests = meter.CreateCounter<long>("cursoraspire.requests", description: "Chat requests by route and shape.");
        FallbackRoutes = meter.CreateCounter<long>("cursoraspire.routes.fallback", description: "Requests for unknown model names sent to the default model.");
        StreamErrors = meter.CreateCounter<long>("cursoraspire.stream.errors", description: "Upstream failures after a stream had started (shown to the user as text).");
        UpstreamErrors = meter.CreateCounter<long>("cursoraspire.upstream.errors", description: "Upstream failures before the first byte, by status.");
        EstimatedPromptTokens = meter.CreateHistogram<long>("cursoraspire.prompt_tokens.estimated", "{token}", "The proxy's prompt-size estimate per request.");
        ReportedPromptTokens = meter.CreateHistogram<long>("cursoraspire.prompt_tokens.reported", "{token}", "The prompt size the upstream reported, for requests where it did (compare with the estimate).");
    }

    public Counter<long> Requests { get; }
    public Counter<long> FallbackRoutes { get; }
    public Counter<long> StreamErrors { get; }
    public Counter<long> UpstreamErrors { get; }
    public Histogram<long> EstimatedPromptTokens { get; }
    public Histogram<long> ReportedPromptTokens { get; }

    /// <summary>Records the upstream's reported prompt size, when it gave one.</summary>
    public void RecordReportedPromptTokens(UsageDetails? usage, string provider)
    {
        if (usage?.InputTokenCount is { } tokens)
        {
            ReportedPromptTokens.Record(tokens, new KeyValuePair<string, object?>("cursoraspire.provider", provider));
        }
    }
}
