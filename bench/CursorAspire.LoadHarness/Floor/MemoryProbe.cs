namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// Resident memory of a server process at 200 concurrent streams: after a warm-up (JIT, connection pools) the baseline,
/// then 200 workers each holding a slow stream open (the stand-in paces its chunks), and the peak while they run.
/// </summary>
public static class MemoryProbe
{
    public const int Streams = 200;

    /// <summary>The stand-in's pause between chunks while the streams run: 50 chunks make a stream of about a second.</summary>
    public static readonly TimeSpan ChunkDelay = TimeSpan.FromMilliseconds(20);

    private const int WarmupRequests = 200;
    private const int WarmupConcurrency = 8;

    /// <summary>
    /// Measures <paramref name="server"/> on <paramref name="route"/> to <paramref name="standIn"/>: <paramref name="rounds"/>
    /// rounds of <see cref="Streams"/> streams. <paramref name="phase"/> numbers the request bodies' nonces.
    /// </summary>
    public static async Task<MemoryResult> MeasureAsync(ChildServer server, ClientRoute route, UpstreamStandIn standIn, int rounds, int phase, TimeSpan maxDuration, CancellationToken cancellationToken)
    {
        var reply = standIn.Reply;
        var bodies = CursorRequestBodies.ForModel(standIn.Alias, stream: true);
        using var runner = new LoadRunner(route, ExpectedReply.Of(reply, streamed: true));
        var warm = await runner.RunAsync(route.Path + " warm-up", WarmupRequests, WarmupConcurrency, i => bodies.Create(phase, i), maxDuration, sampler: null, timeline: null, cancellationToken).ConfigureAwait(false);
        if (warm.Failures > 0)
        {
            return new MemoryResult(standIn.Provider, route.Path, 0, 0, false, warm);
        }

        var baseline = server.ReadMemory().Resident;
        var exact = ResidentMemory.TryResetPeak(server.ProcessId);
        using var sampling = new CancellationTokenSource();
        var sampled = SampleAsync(server, sampling.Token);
        standIn.Reply = reply with { ChunkDelay = ChunkDelay };
        PhaseResult streams;
        try
        {
            streams = await runner.RunAsync(route.Path + " streams", Streams * rounds, Streams, i => bodies.Create(phase + 1, i), maxDuration, sampler: null, timeline: null, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            standIn.Reply = reply;
            await sampling.CancelAsync().ConfigureAwait(false);
        }
        var highestSample = await sampled.ConfigureAwait(false);
        var peak = exact ? Math.Max(server.ReadMemory().Peak, highestSample) : highestSample;
        return new MemoryResult(standIn.Provider, route.Path, baseline, peak, exact, streams);
    }

    /// <summary>The highest resident size seen every 10 ms until cancelled (the peak where the kernel's cannot be reset).</summary>
    private static async Task<long> SampleAsync(ChildServer server, CancellationToken cancellationToken)
    {
        var highest = server.ReadMemory().Resident;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                highest = Math.Max(highest, server.ReadMemory().Resident);
            }
        }
        catch (OperationCanceledException)
        {
        }
        return highest;
    }
}
