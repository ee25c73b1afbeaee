namespace CursorAspire.LoadHarness;

/// <summary>What one measured phase (one path, N requests at concurrency C) produced.</summary>
public sealed record PhaseResult
{
    public required string Path { get; init; }

    public required IReadOnlyList<RequestTiming> Timings { get; init; }

    public required int Failures { get; init; }

    public string? FirstFailure { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Bytes allocated by the whole process during the phase (<c>GC.GetTotalAllocatedBytes(precise: true)</c>).</summary>
    public required long AllocatedBytes { get; init; }

    public required int Gen0 { get; init; }

    public required int Gen1 { get; init; }

    public required int Gen2 { get; init; }

    public required TimeSpan GcPause { get; init; }

    /// <summary>CPU time of the whole process (all threads, user + kernel) during the phase.</summary>
    public required TimeSpan ProcessorTime { get; init; }

    /// <summary>Estimated bytes per type during the phase, when sampled (<c>--alloc-types</c>).</summary>
    public IReadOnlyDictionary<string, long>? BytesByType { get; init; }

    /// <summary>Each request's way to the upstream (<see cref="HopTimeline"/>), when recorded.</summary>
    public IReadOnlyList<HopTiming> Hops { get; init; } = [];

    /// <summary>The most requests the client had open at once during the phase.</summary>
    public int MaxInFlight { get; init; }

    public double ProcessorMsPerRequest => Completed == 0 ? 0 : ProcessorTime.TotalMilliseconds / Completed;

    public int Completed => Timings.Count;

    public double RequestsPerSecond => Completed / Elapsed.TotalSeconds;

    public double AllocatedBytesPerRequest => Completed == 0 ? 0 : (double)AllocatedBytes / Completed;

    public double Percentile(Func<RequestTiming, double> metric, double percentile) => Percentile(Timings.Select(metric), percentile);

    public double HopPercentile(Func<HopTiming, double> metric, double percentile) => Percentile(Hops.Select(metric), percentile);

    private static double Percentile(IEnumerable<double> values, double percentile)
    {
        var sorted = values.Where(v => !double.IsNaN(v)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        // Nearest rank: the smallest value with at least p% of the samples at or below it.
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
