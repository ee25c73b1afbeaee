using System.Diagnostics;
using CursorAspire.Proxy.Telemetry;
using CursorAspire.Proxy.Wire;

namespace CursorAspire.Proxy.Routing;

/// <summary>Where a request went, on the current span and in the proxy's metrics.</summary>
public sealed class RouteTelemetry(ProxyMetrics metrics)
{
    /// <summary>The span tag and metric tag naming the caller's key (its name, never the key).</summary>
    public const string KeyNameTag = "cursoraspire.key.name";

    public void RecordRoute(ParsedChatRequest request, ModelRoute route, string shape, long estimatedPromptTokens, string keyName)
    {
        metrics.Requests.Add(1, new TagList
        {
            { "cursoraspire.provider", route.ProviderName },
            { "cursoraspire.model", route.ReportedName },
            { "cursoraspire.shape", shape },
            { "cursoraspire.route.default", route.IsDefaultForUnknownName },
            { KeyNameTag, keyName },
        });
        if (route.IsDefaultForUnknownName)
        {
            metrics.DefaultedRoutes.Add(1);
        }
        metrics.EstimatedPromptTokens.Record(estimatedPromptTokens, new KeyValuePair<string, object?>("cursoraspire.provider", route.ProviderName));

        if (Activity.Current is { } activity)
        {
            activity.SetTag("cursoraspire.model.requested", CallerText.Cap(request.Model));
            activity.SetTag(KeyNameTag, keyName);
            activity.SetTag("cursoraspire.route.alias", route.Alias);
            activity.SetTag("cursoraspire.route.provider", route.ProviderName);
            activity.SetTag("cursoraspire.route.upstream_model", route.UpstreamModel);
            activity.SetTag("cursoraspire.route.default", route.IsDefaultForUnknownName);
            activity.SetTag("cursoraspire.route.variant", route.Variant?.Suffixes);
            activity.SetTag("cursoraspire.request.shape", shape);
            activity.SetTag("cursoraspire.request.stream", request.Stream);
            activity.SetTag("cursoraspire.request.previous_response", request.PreviousResponseId is not null);
        }
    }
}
