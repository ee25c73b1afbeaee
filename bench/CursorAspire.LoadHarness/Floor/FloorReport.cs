using System.Globalization;
using System.Text;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// The floor run's one table, in Markdown, with what its columns mean beneath it: bench/README.md and the top-level
/// README's performance summary quote it as printed.
/// </summary>
public static class FloorReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string ProviderName(UpstreamProvider provider) => provider == UpstreamProvider.Ollama ? "Ollama" : "OpenAI-compatible";

    /// <summary>Bytes as whole MiB.</summary>
    public static string Mb(long bytes) => (bytes / 1048576.0).ToString("F0", Invariant);

    public static string Render(IReadOnlyList<FloorCell> cells, IReadOnlyList<MemoryResult> memory, IReadOnlyDictionary<(UpstreamProvider Provider, string Path), string> memoryNotMeasured, bool includePeer)
    {
        string[] paths = includePeer
            ? [ClientRoute.Direct, ClientRoute.BareHop, ClientRoute.Proxy, ClientRoute.Peer]
            : [ClientRoute.Direct, ClientRoute.BareHop, ClientRoute.Proxy];
        var text = new StringBuilder();
        text.AppendLine("| upstream | call | connections | figure | " + string.Join(" | ", paths.Select(p => p == ClientRoute.BareHop ? "bare hop (floor)" : p)) + " |");
        text.AppendLine("|---|---|---:|---|" + string.Concat(paths.Select(_ => "---:|")));
        foreach (var cell in cells)
        {
            var lead = $"| {ProviderName(cell.Provider)} | {(cell.Streamed ? "streamed" : "non-streamed")} | {cell.Connections} | ";
            Row(text, lead, "p50, ms", paths, path => Latency(cell, path, r => r.Percentile(t => t.TotalMs, 50)));
            Row(text, "| | | | ", "p99, ms", paths, path => Latency(cell, path, r => r.Percentile(t => t.TotalMs, 99)));
            if (cell.Streamed)
            {
                Row(text, "| | | | ", "time to first token p50, ms", paths, path => Latency(cell, path, r => r.Percentile(t => t.TimeToFirstTokenMs, 50)));
            }
            Row(text, "| | | | ", "requests/s", paths, path => Throughput(cell, path));
            Row(text, "| | | | ", "allocated / request", paths, path => Allocation(cell, path));
        }
        foreach (var provider in cells.Select(c => c.Provider).Concat(memory.Select(m => m.Provider)).Distinct())
        {
            Row(text, $"| {ProviderName(provider)} | streamed | {MemoryProbe.Streams} | ", "resident memory, MB: start → peak", paths, path =>
                memory.FirstOrDefault(m => m.Provider == provider && m.Path == path) is { } m ? $"{Mb(m.BaselineBytes)} → {Mb(m.PeakBytes)}" : "—");
        }
        Notes(text, cells, memory, memoryNotMeasured, includePeer);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string lead, string figure, string[] paths, Func<string, string> cell) =>
        text.Append(lead).Append(figure).Append(" | ").AppendJoin(" | ", paths.Select(cell)).AppendLine(" |");

    /// <summary>Direct: the value; another path: what it adds over direct, and for the proxy also what it adds over the floor.</summary>
    private static string Latency(FloorCell cell, string path, Func<PhaseResult, double> metric)
    {
        if (!cell.Measured.TryGetValue(path, out var result) || double.IsNaN(metric(result)))
        {
            return "—";
        }
        if (path == ClientRoute.Direct)
        {
            return metric(result).ToString("F2", Invariant);
        }
        if (!cell.Measured.TryGetValue(ClientRoute.Direct, out var direct))
        {
            return "—";
        }
        var added = metric(result) - metric(direct);
        var text = Signed(added);
        if (path == ClientRoute.Proxy && cell.Measured.TryGetValue(ClientRoute.BareHop, out var hop))
        {
            text += $" (floor {Signed(added - (metric(hop) - metric(direct)))})";
        }
        return text;
    }

    private static string Throughput(FloorCell cell, string path)
    {
        if (!cell.Measured.TryGetValue(path, out var result))
        {
            return "—";
        }
        var text = result.RequestsPerSecond.ToString("N0", Invariant);
        if (path == ClientRoute.Proxy && cell.Measured.TryGetValue(ClientRoute.BareHop, out var hop))
        {
            text += $" ({(result.RequestsPerSecond / hop.RequestsPerSecond).ToString("F2", Invariant)} × floor)";
        }
        return text;
    }

    /// <summary>Direct: the harness process's allocation per request; the hop and the proxy (in that process): theirs on top.</summary>
    private static string Allocation(FloorCell cell, string path)
    {
        if (path == ClientRoute.Peer || !cell.Measured.TryGetValue(path, out var result) || !cell.Measured.TryGetValue(ClientRoute.Direct, out var direct))
        {
            return "—";
        }
        if (path == ClientRoute.Direct)
        {
            return Kb(result.AllocatedBytesPerRequest);
        }
        var text = SignedKb(result.AllocatedBytesPerRequest - direct.AllocatedBytesPerRequest);
        if (path == ClientRoute.Proxy && cell.Measured.TryGetValue(ClientRoute.UpstreamReplay, out var replay))
        {
            text += $" (own {SignedKb(result.AllocatedBytesPerRequest - replay.AllocatedBytesPerRequest)})";
        }
        return text;
    }

    private static string SignedKb(double bytes) => (bytes >= 0 ? "+" : "") + Kb(bytes);

    private static void Notes(StringBuilder text, IReadOnlyList<FloorCell> cells, IReadOnlyList<MemoryResult> memory, IReadOnlyDictionary<(UpstreamProvider Provider, string Path), string> memoryNotMeasured, bool includePeer)
    {
        text.AppendLine();
        text.AppendLine("- **direct**: the client posts the Cursor body to the stand-in itself; its column is absolute. Every other column is what that path adds over direct in the same cell. **(floor +x)**: what the proxy adds over the bare hop; **(n × floor)**: the proxy's requests/s over the bare hop's.");
        text.AppendLine("- **p50, p99**: client-side time from sending the request to the end of the response (streamed: to `data: [DONE]`), nearest rank; added = the path's percentile − direct's. **Time to first token**: to the read that carried the reply's first text chunk.");
        text.AppendLine("- **allocated / request**: .NET allocation of the harness process (client, stand-in, and the bare hop and proxy, which run in it) per request; direct's is the client's and stand-in's, so a path's figure on top of it is that path's own, to within its upstream's work being the same. **(own +x)**: the proxy's over an upstream replay of its own upstream call (the stand-in's recorded request sent straight to it again, a quarter as many), i.e. net of its upstream's work on what the proxy sent (another route for Ollama, another body for both)." +
            (includePeer ? " The peer runs in node, outside that count: —." : string.Empty));
        if (memory.Count > 0)
        {
            var open = memory.Min(m => m.Streams.MaxInFlight);
            var exact = memory.All(m => m.PeakIsExact);
            text.AppendLine(string.Create(Invariant,
                $"- **resident memory**: RSS of the server's own process (the proxy's own executable; the bare hop as a process of its own{(includePeer ? "; the peer's node" : string.Empty)}) after start and a 200-request warm-up → its peak ({(exact ? "the kernel's VmHWM, reset before the streams" : "sampled every 10 ms")}) while {MemoryProbe.Streams} streamed requests of the same reply, its chunks {MemoryProbe.ChunkDelay.TotalMilliseconds:F0} ms apart, ran at once (at least {open} open together, client side)."));
        }
        // One line per path and reason, naming the cells it applies to.
        var reasons = cells
            .SelectMany(c => c.NotMeasured.Select(n => (Cell: c, Path: n.Key, Reason: n.Value)))
            .GroupBy(n => (n.Path, n.Reason))
            .Select(g => $"{g.Key.Path}, " + string.Join("; ", g.GroupBy(n => (n.Cell.Provider, n.Cell.Streamed)).Select(byCall =>
                $"{ProviderName(byCall.Key.Provider)} {(byCall.Key.Streamed ? "streamed" : "non-streamed")} at {string.Join(" and ", byCall.Select(n => n.Cell.Connections))} connection(s)")) + $": {g.Key.Reason}")
            .Concat(memoryNotMeasured.GroupBy(n => (n.Key.Path, n.Value)).Select(g =>
                $"{g.Key.Path}, resident memory with {string.Join(" and ", g.Select(n => ProviderName(n.Key.Provider)))}: {g.Key.Value}"))
            .ToList();
        if (reasons.Count > 0)
        {
            text.AppendLine("- **—** where a path could not be measured:");
            foreach (var reason in reasons)
            {
                text.AppendLine("  - " + reason);
            }
        }
    }

    private static string Signed(double value) => value.ToString("+0.00;-0.00;+0.00", Invariant);

    private static string Kb(double bytes) => (bytes / 1024).ToString("F1", Invariant) + " KB";
}
