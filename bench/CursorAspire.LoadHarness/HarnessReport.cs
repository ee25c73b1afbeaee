using System.Globalization;
using System.Text;

namespace CursorAspire.LoadHarness;

/// <summary>
/// The three measured phases and their differences as Markdown tables (pasted into bench/README.md as they are):
/// latency as proxy − direct; allocation and CPU also as proxy − upstream replay, the proxy's own net of its upstream's
/// work on what the proxy sent (direct's upstream does different work: another route, another body).
/// </summary>
public static class HarnessReport
{
    private static readonly double[] Percentiles = [50, 95, 99];

    public static string Render(PhaseResult direct, PhaseResult proxy, PhaseResult replay)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("| path | ok | failed | TTFB p50 | TTFB p95 | TTFB p99 | total p50 | total p95 | total p99 | req/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var phase in new[] { direct, proxy, replay })
        {
            text.Append(inv, $"| {phase.Path} | {phase.Completed} | {phase.Failures} | ")
                .Append(string.Join(" | ", Percentiles.Select(p => Ms(phase.Percentile(t => t.TimeToFirstByteMs, p))))).Append(" | ")
                .Append(string.Join(" | ", Percentiles.Select(p => Ms(phase.Percentile(t => t.TotalMs, p))))).Append(" | ")
                .AppendLine(phase.RequestsPerSecond.ToString("F0", inv) + " |");
        }
        text.Append("| **proxy − direct** | | | ")
            .Append(string.Join(" | ", Percentiles.Select(p => Ms(proxy.Percentile(t => t.TimeToFirstByteMs, p) - direct.Percentile(t => t.TimeToFirstByteMs, p))))).Append(" | ")
            .Append(string.Join(" | ", Percentiles.Select(p => Ms(proxy.Percentile(t => t.TotalMs, p) - direct.Percentile(t => t.TotalMs, p))))).Append(" | ")
            .AppendLine((proxy.RequestsPerSecond - direct.RequestsPerSecond).ToString("+0;-0", inv) + " |");
        text.AppendLine();
        text.AppendLine("Times in ms. Whole-process GC figures for the measured phase (this process hosts client, stand-in and proxy):");
        text.AppendLine();
        text.AppendLine("| path | allocated / request | gen0 | gen1 | gen2 | GCs / 1000 req (gen0) | GC pause total | CPU ms / request |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var phase in new[] { direct, proxy, replay })
        {
            text.AppendLine(string.Create(inv,
                $"| {phase.Path} | {Kb(phase.AllocatedBytesPerRequest)} | {phase.Gen0} | {phase.Gen1} | {phase.Gen2} | {1000.0 * phase.Gen0 / Math.Max(1, phase.Completed):F1} | {phase.GcPause.TotalMilliseconds:F0} ms | {phase.ProcessorMsPerRequest:F2} |"));
        }
        text.AppendLine(string.Create(inv,
            $"| **proxy − direct** | {Kb(proxy.AllocatedBytesPerRequest - direct.AllocatedBytesPerRequest)} | {proxy.Gen0 - direct.Gen0:+0;-0;0} | {proxy.Gen1 - direct.Gen1:+0;-0;0} | {proxy.Gen2 - direct.Gen2:+0;-0;0} | | {(proxy.GcPause - direct.GcPause).TotalMilliseconds:+0;-0;0} ms | {proxy.ProcessorMsPerRequest - direct.ProcessorMsPerRequest:+0.00;-0.00} |"));
        text.AppendLine(string.Create(inv,
            $"| **proxy − upstream replay** (the proxy's own, net of its upstream's work) | {Kb(proxy.AllocatedBytesPerRequest - replay.AllocatedBytesPerRequest)} | | | | | | {proxy.ProcessorMsPerRequest - replay.ProcessorMsPerRequest:+0.00;-0.00} |"));
        text.AppendLine();
        text.AppendLine("The upstream replay sends the proxy's own upstream call, as the stand-in recorded it, straight to the stand-in: its figures are the client's and the stand-in's work on exactly what the proxy sent, so proxy − upstream replay is the proxy's alone. Proxy − direct also holds the difference between the stand-in's work on the proxy's call and on Cursor's body (another route and body).");
        RenderHops(text, direct, proxy, replay);
        if (direct.BytesByType is { } directTypes && proxy.BytesByType is { } proxyTypes && replay.BytesByType is { } replayTypes)
        {
            RenderTypes(text, [(direct, directTypes), (proxy, proxyTypes), (replay, replayTypes)]);
        }
        return text.ToString();
    }

    private static void RenderHops(StringBuilder text, PhaseResult direct, PhaseResult proxy, PhaseResult replay)
    {
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"On the way to the upstream (HttpClient and Kestrel activity starts; p50 / p95 / p99 in ms; {direct.Hops.Count}, {proxy.Hops.Count} and {replay.Hops.Count} requests traced):"));
        text.AppendLine();
        text.AppendLine("| path | client → first server | proxy's own work before the upstream call | proxy → upstream |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var phase in new[] { direct, proxy, replay })
        {
            text.AppendLine($"| {phase.Path} | {Spread(phase, h => h.ToServerMs)} | {Spread(phase, h => h.ProxyWorkMs)} | {Spread(phase, h => h.ToUpstreamMs)} |");
        }
    }

    private static string Spread(PhaseResult phase, Func<HopTiming, double> metric)
    {
        var values = Percentiles.Select(p => phase.HopPercentile(metric, p)).ToArray();
        return values.All(double.IsNaN) ? "" : string.Join(" / ", values.Select(Ms));
    }

    private static void RenderTypes(StringBuilder text, IReadOnlyList<(PhaseResult Phase, IReadOnlyDictionary<string, long> Types)> phases)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("Sampled allocations by type (the runtime's randomized AllocationSampled events, one per ~100 KB on average, weighted to unbiased estimates), per request, top 20 by proxy phase minus upstream replay phase:");
        text.AppendLine();
        text.AppendLine("| type | proxy − upstream replay / request | proxy − direct / request | proxy / request | direct / request | upstream replay / request |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        var rows = phases.SelectMany(p => p.Types.Keys).Distinct()
            .Select(type => (Type: type, PerRequest: phases.Select(p => p.Types.GetValueOrDefault(type) / (double)Math.Max(1, p.Phase.Completed)).ToArray()))
            .Select(r => (r.Type, Direct: r.PerRequest[0], Proxy: r.PerRequest[1], Replay: r.PerRequest[2]))
            .OrderByDescending(r => r.Proxy - r.Replay)
            .Take(20);
        foreach (var row in rows)
        {
            text.AppendLine(string.Create(inv, $"| `{row.Type}` | {Kb(row.Proxy - row.Replay)} | {Kb(row.Proxy - row.Direct)} | {Kb(row.Proxy)} | {Kb(row.Direct)} | {Kb(row.Replay)} |"));
        }
    }

    private static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Kb(double bytes) => (bytes / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KB";
}
