using System.Diagnostics;
using System.Diagnostics.Metrics;
using CursorAspire.Proxy.Context;
using CursorAspire.Proxy.Telemetry;

namespace CursorAspire.Proxy.Caching;

/// <summary>
/// The response cache's instruments on the <see cref="ProxyMeter"/>: <c>cursoraspire.cache.hits</c>,
/// <c>.misses</c>, <c>.bypasses</c>, <c>.errors</c>, <c>.bytes_saved</c>, <c>.upstream_calls_avoided</c> and
/// <c>.breaker_opened</c>.
/// </summary>
public sealed class ResponseCacheMetrics(ProxyMeter meter)
{
    /// <summary>Tag naming the provider route (set when the pipeline is built).</summary>
    public const string ProviderTag = "cursoraspire.provider";

    private readonly Counter<long> _hits = meter.Meter.CreateCounter<long>("cursoraspire.cache.hits", "{request}", "Requests answered from the response cache.");
    private readonly Counter<long> _misses = meter.Meter.CreateCounter<long>("cursoraspire.cache.misses", "{request}", "Requests looked up in the response cache and not found.");
    private readonly Counter<long> _bypasses = meter.Meter.CreateCounter<long>("cursoraspire.cache.bypasses", "{request}", "Requests that did not consult the response cache.");
    private readonly Counter<long> _errors = meter.Meter.CreateCounter<long>("cursoraspire.cache.errors", "{operation}", "Response cache store operations that failed, timed out or were refused by the open breaker.");
    private readonly Counter<long> _bytesSaved = meter.Meter.CreateCounter<long>("cursoraspire.cache.bytes_saved", "By", "Bytes of responses served from the response cache.");
    private readonly Counter<long> _upstreamCallsAvoided = meter.Meter.CreateCounter<long>("cursoraspire.cache.upstream_calls_avoided", "{call}", "Upstream model calls avoided by the response cache (store hits and coalesced requests).");
    private readonly Counter<long> _breakerOpened = meter.Meter.CreateCounter<long>("cursoraspire.cache.breaker_opened", "{event}", "Times the response cache store's circuit breaker opened.");

    /// <summary>
    /// Reports what the cache did with a request: on its scope (for <c>x-cache</c>), on its span, and as a count. Hits
    /// are counted with their source and size; errors are counted per store operation by the store.
    /// </summary>
    internal void Report(ResponseCacheScope? scope, Activity? activity, string provider, ResponseCacheOutcome outcome, string? bypassReason = null)
    {
        scope?.Outcome = outcome;
        TagActivity(activity, outcome);
        var providerTag = new KeyValuePair<string, object?>(ProviderTag, provider);
        switch (outcome)
        {
            case ResponseCacheOutcome.Miss:
                _misses.Add(1, providerTag);
                break;
            case ResponseCacheOutcome.Bypass:
                _bypasses.Add(1, providerTag, new KeyValuePair<string, object?>("cursoraspire.cache.reason", bypassReason ?? "unknown"));
                break;
        }
    }

    /// <summary>Reports a request served from the cache: from the store, or from a concurrent request's upstream call.</summary>
    internal void ReportHit(ResponseCacheScope scope, Activity? activity, string provider, string source, long bytes)
    {
        Report(scope, activity, provider, ResponseCacheOutcome.Hit);
        var providerTag = new KeyValuePair<string, object?>(ProviderTag, provider);
        var sourceTag = new KeyValuePair<string, object?>("cursoraspire.cache.source", source);
        _hits.Add(1, providerTag, sourceTag);
        _upstreamCallsAvoided.Add(1, providerTag, sourceTag);
        _bytesSaved.Add(bytes, providerTag, sourceTag);
    }

    internal void Error(string operation, string reason) =>
        _errors.Add(1, new KeyValuePair<string, object?>("cursoraspire.cache.operation", operation), new KeyValuePair<string, object?>("cursoraspire.cache.reason", reason));

    internal void BreakerOpened() => _breakerOpened.Add(1);

    /// <summary>Tags the current span with the outcome (<c>cursoraspire.cache.outcome</c>).</summary>
    private static void TagActivity(Activity? activity, ResponseCacheOutcome outcome) =>
        activity?.SetTag("cursoraspire.cache.outcome", outcome switch
        {
            ResponseCacheOutcome.Hit => "hit",
            ResponseCacheOutcome.Miss => "miss",
            ResponseCacheOutcome.Bypass => "bypass",
            ResponseCacheOutcome.Error => "error",
            _ => "none",
        });
}
