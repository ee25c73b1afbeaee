using System.Diagnostics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Records the work someone asked for and nothing else: a trace starts only at an incoming request (a server or
/// consumer span), a span inside it follows its parent, and a span with no parent of its own (a Redis PING of a
/// health check, a timer's call) is dropped.
/// </summary>
/// <remarks>
/// Why not the SDK's samplers: the AppHost sets <c>OTEL_TRACES_SAMPLER=always_on</c> in development, which records a
/// child even when its parent was left out, so the cache health check's Redis PING under the filtered <c>/health</c>
/// request became a root trace (<c>proxy: PING</c>) every 30 s and buried the model calls on the dashboard; and the
/// parent-based sampler alone would still record work that no request started. A sampler set here wins over the
/// variable. A parent from another process (a <c>traceparent</c> header) is recorded whatever its flag: the proxy's own
/// requests are always worth tracing.
/// </remarks>
public sealed class RequestScopedSampler : Sampler
{
    private static readonly SamplingResult Record = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Skip = new(SamplingDecision.Drop);

    /// <inheritdoc />
    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var parent = samplingParameters.ParentContext;
        if (parent.TraceId != default)
        {
            return parent.IsRemote || (parent.TraceFlags & ActivityTraceFlags.Recorded) != 0 ? Record : Skip;
        }

        return samplingParameters.Kind is ActivityKind.Server or ActivityKind.Consumer ? Record : Skip;
    }
}
