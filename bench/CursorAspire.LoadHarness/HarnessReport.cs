using System.Globalization;
using System.Text;

namespace CursorAspire.LoadHarness;

/// <summary>The two measured phases and their difference as Markdown tables (pasted into bench/README.md as they are).</summary>
public static class HarnessReport
{
    private static readonly double[] Percentiles = [50, 95, 99];

    public static string Render(PhaseResult direct, PhaseResult proxy)
    {
        var text = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine("| path | ok | failed | TTFB p50 | TTFB p95 | TTFB p99 | total p50 | total p95 | total p99 | req/s |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var phase in new[] { direct, proxy })
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
        foreach (var phase in new[] { direct, proxy })
        {
            text.AppendLine(string.Create(inv,
                $"| {phase.Path} | {Kb(phase.AllocatedBytesPerRequest)} | {phase.Gen0} | {phase.Gen1} | {phase.Gen2} | {1000.0 * phase.Gen0 / Math.Max(1, phase.Completed):F1} | {phase.GcPause.TotalMilliseconds:F0} ms | {phase.ProcessorMsPerRequest:F2} |"));
        }
        text.AppendLine(string.Create(inv,
            $"| **proxy − direct** (the proxy's own) | {Kb(proxy.AllocatedBytesPerRequest - direct.AllocatedBytesPerRequest)} | {proxy.Gen0 - direct.Gen0:+0;-0;0} | {proxy.Gen1 - direct.Gen1:+0;-0;0} | {proxy.Gen2 - direct.Gen2:+0;-0;0} | | {(proxy.GcPause - direct.GcPause).TotalMilliseconds:+0;-0;0} ms | {proxy.ProcessorMsPerRequest - direct.ProcessorMsPerRequest:+0.00;-0.00} |"));
        RenderHops(text, direct, proxy);
        if (direct.BytesByType is { } directTypes && proxy.BytesByType is { } proxyTypes)
        {
            RenderTypes(text, direct, directTypes, proxy, proxyTypes);
        }
        return text.ToString();
    }

    private static void RenderHops(StringBuilder text, PhaseResult direct, PhaseResult proxy)
    {
        text.AppendLine();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"On the way to the upstream (HttpClient and Kestrel activity starts; p50 / p95 / p99 in ms; {direct.Hops.Count} and {proxy.Hops.Count} requests traced):"));
        text.AppendLine();
        text.AppendLine("| path | client → first server | proxy's own work before the upstream call | proxy → upstream |");
        text.AppendLine("|---|---:|---:|---:|");
        foreach (var phase in new[] { direct, proxy })
        {
            text.AppendLine($"| {phase.Path} | {Spread(phase, h => h.ToServerMs)} | {Spread(phase, h => h.ProxyWorkMs)} | {Spread(phase, h => h.ToUpstreamMs)} |");
        }
    }

    private static string Spread(PhaseResult phase, Func<HopTiming, double> metric)
    {
        var values = Percentiles.Select(p => phase.HopPercentile(metric, p)).ToArray();
        return values.All(double.IsNaN) ? "" : string.Join(" / ", values.Select(Ms));
    }

    private static void RenderTypes(StringBuilder text, PhaseResult direct, IReadOnlyDictionary<string, long> directTypes, PhaseResult proxy, IReadOnlyDictionary<string, long> proxyTypes)
    {
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine("Sampled allocations by type (the runtime's randomized AllocationSampled events, one per ~100 KB on average, weighted to unbiased estimates), per request, proxy phase minus direct phase, top 20:");
        text.AppendLine();
        text.AppendLine("| type | proxy − direct / request | proxy / request | direct / request |");
        text.AppendLine("|---|---:|---:|---:|");
        var rows = proxyTypes.Keys.Union(directTypes.Keys)
            .Select(type => (Type: type,
                Proxy: proxyTypes.GetValueOrDefault(type) / (double)Math.Max(1, proxy.Completed),
                Direct: directTypes.GetValueOrDefault(type) / (double)Math.Max(1, direct.Completed)))
            .OrderByDescending(r => r.Proxy - r.Direct)
            .Take(20);
        foreach (var row in rows)
        {
            text.AppendLine(string.Create(inv, $"| `{row.Type}` | {Kb(row.Proxy - row.Direct)} | {Kb(row.Proxy)} | {Kb(row.Direct)} |"));
        }
    }

    private static string Ms(double value) => value.ToString("F2", CultureInfo.InvariantCulture);

    private static string Kb(double bytes) => (bytes / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KB";
}
