using System.Diagnostics;
using System.Globalization;
using CursorAspire.TestUpstreams;

namespace CursorAspire.LoadHarness.Floor;

/// <summary>
/// The floor run (<c>--floor</c>): for each provider's stand-in, non-streamed and streamed, at 1 and 32 connections,
/// the same Cursor requests sent direct, through the bare hop (the floor), through the proxy and, with <c>--peer</c>,
/// through Portkey's gateway; then each server's resident memory at 200 concurrent streams. Prints one table
/// (<see cref="FloorReport"/>).
/// </summary>
public sealed class FloorRun
{
    /// <summary>The connection counts every cell is measured at.</summary>
    public static readonly int[] ConnectionCounts = [1, 32];

    private readonly HarnessOptions _options;
    private readonly StandInReply _reply;
    private readonly TimeSpan _maxDuration;
    private readonly List<string> _problems = [];
    private string _peerDescription = string.Empty;
    private int _phase;

    private FloorRun(HarnessOptions options, StandInReply reply)
    {
        _options = options;
        _reply = reply;
        _maxDuration = TimeSpan.FromSeconds(options.MaxSeconds);
    }

    /// <summary>Runs it; 0 when every request on the harness's own paths succeeded, 2 when the peer cannot be installed.</summary>
    public static async Task<int> RunAsync(HarnessOptions options, StandInReply reply, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rounds = options.MemoryRounds;
        UpstreamProvider[] providers = options.ProviderGiven ? [options.Provider] : [UpstreamProvider.Ollama, UpstreamProvider.OpenAI];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# CursorAspire load harness, floor run{(options.Quick ? " (--quick)" : "")}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC: requests={options.Requests}, warmup={options.Warmup} per path and cell, chunks={options.Chunks}, connections {string.Join(" and ", ConnectionCounts)}; memory: {MemoryProbe.Streams} streams × {rounds}"));
        Console.WriteLine($"# {MachineDescription.Describe()}");
        Console.WriteLine($"# Load average at start: {MachineDescription.LoadAverage()}");

        PortkeyGateway? portkey = null;
        if (options.Peer)
        {
            try
            {
                portkey = await PortkeyGateway.InstallAsync(options.PeerCache ?? PortkeyGateway.DefaultCache, Console.Out, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidOperationException ex)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }
            Console.WriteLine($"# Peer: {PortkeyGateway.Package}@{PortkeyGateway.Version} on node {portkey.NodeVersion}");
        }

        var run = new FloorRun(options, reply) { _peerDescription = $"Portkey {PortkeyGateway.Version} on node {portkey?.NodeVersion}" };
        var cells = new List<FloorCell>();
        var memory = new List<MemoryResult>();
        var memoryNotMeasured = new Dictionary<(UpstreamProvider, string), string>();
        await using (var peer = portkey is null ? null : await portkey.StartAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var provider in options.MemoryOnly ? [] : providers)
            {
                foreach (var streamed in new[] { false, true })
                {
                    foreach (var connections in ConnectionCounts)
                    {
                        var cell = new FloorCell(provider, streamed, connections);
                        await run.MeasureCellAsync(cell, peer, cancellationToken).ConfigureAwait(false);
                        cells.Add(cell);
                    }
                }
            }
        }
        foreach (var provider in providers)
        {
            // The peer's memory under streams only where its streams work at all.
            var peerStreams = portkey is not null && cells.Any(c => c.Provider == provider && c.Streamed && c.Measured.ContainsKey(ClientRoute.Peer));
            if (portkey is not null && !peerStreams)
            {
                memoryNotMeasured[(provider, ClientRoute.Peer)] = "its streaming fails (above)";
            }
            memory.AddRange(await run.MeasureMemoryAsync(provider, peerStreams ? portkey : null, rounds, cancellationToken).ConfigureAwait(false));
        }

        Console.WriteLine();
        Console.Write(FloorReport.Render(cells, memory, memoryNotMeasured, includePeer: portkey is not null));
        Console.WriteLine();
        Console.WriteLine($"# Load average at end: {MachineDescription.LoadAverage()}; the run took {clock.Elapsed:m\\:ss} (m:ss)");
        foreach (var problem in run._problems)
        {
            Console.Error.WriteLine(problem);
        }
        return run._problems.Count > 0 ? 1 : 0;
    }

    private async Task MeasureCellAsync(FloorCell cell, ChildServer? peer, CancellationToken cancellationToken)
    {
        await using var topology = await LoopbackTopology.StartAsync(cell.Provider, _reply, withBareHop: true, cancellationToken).ConfigureAwait(false);
        var bodies = CursorRequestBodies.ForModel(topology.Alias, cell.Streamed);
        var expected = ExpectedReply.Of(_reply, cell.Streamed);
        var routes = new List<ClientRoute>
        {
            new(ClientRoute.Direct, topology.DirectChatUri),
            new(ClientRoute.BareHop, new Uri(topology.Hop!.BaseUri, topology.DirectChatUri.PathAndQuery.TrimStart('/'))),
            ClientRoute.WithApiKey(ClientRoute.Proxy, topology.ProxyChatUri, LoopbackTopology.ProxyApiKey),
        };
        if (peer is not null)
        {
            routes.Add(PortkeyGateway.Route(peer, topology.StandIn));
        }

        foreach (var route in routes)
        {
            using var runner = new LoadRunner(route, expected);
            var isPeer = route.Path == ClientRoute.Peer;
            if (isPeer)
            {
                // One request first: the peer may not do this kind of call at all (its streaming fails on Node 20).
                var probePhase = ++_phase;
                var probe = await runner.RunAsync(route.Path + " probe", 1, 1, i => bodies.Create(probePhase, i), _maxDuration, sampler: null, timeline: null, cancellationToken).ConfigureAwait(false);
                if (probe.Failures > 0)
                {
                    NotMeasured(cell, route, $"{_peerDescription} answers {probe.FirstFailure?.Replace("HttpRequestException: ", "", StringComparison.Ordinal)}");
                    continue;
                }
            }

            if (await MeasurePathAsync(cell, topology, runner, route, bodies.Create, _options.Warmup, _options.Requests, cancellationToken).ConfigureAwait(false)
                && route.Path == ClientRoute.Proxy)
            {
                await MeasureReplayAsync(cell, topology, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Right after the proxy's phase (before the peer's reaches the stand-in): the proxy's last upstream call replayed
    /// straight to the stand-in, a quarter of the requests and warm-up (allocation per request needs no more, and the
    /// run stays about as long), so the proxy's allocation can be shown net of its upstream's work.
    /// </summary>
    private async Task MeasureReplayAsync(FloorCell cell, LoopbackTopology topology, CancellationToken cancellationToken)
    {
        var replay = UpstreamReplay.Of(topology.StandIn.LastChatRequest, topology.StandIn.BaseUri, _reply);
        using var runner = new LoadRunner(replay.Route, replay.Expected);
        await MeasurePathAsync(cell, topology, runner, replay.Route, replay.Create, (_options.Warmup + 3) / 4, (_options.Requests + 3) / 4, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Warm-up, then the measured phase, into <paramref name="cell"/>; false (and why, in the cell) when it could not be measured.</summary>
    private async Task<bool> MeasurePathAsync(FloorCell cell, LoopbackTopology topology, LoadRunner runner, ClientRoute route, Func<int, int, byte[]> createBody, int warmup, int requests, CancellationToken cancellationToken)
    {
        var callsBefore = topology.UpstreamCalls;
        if (warmup > 0)
        {
            var warmupPhase = ++_phase;
            var warm = await runner.RunAsync(route.Path + " warm-up", warmup, cell.Connections, i => createBody(warmupPhase, i), _maxDuration, sampler: null, timeline: null, cancellationToken).ConfigureAwait(false);
            if (warm.Failures > 0)
            {
                NotMeasured(cell, route, $"{warm.Failures} of {warmup} warm-up requests failed; first: {warm.FirstFailure}");
                return false;
            }
        }
        var measuredPhase = ++_phase;
        var result = await runner.RunAsync(route.Path, requests, cell.Connections, i => createBody(measuredPhase, i), _maxDuration, sampler: null, timeline: null, cancellationToken).ConfigureAwait(false);
        var calls = topology.UpstreamCalls - callsBefore;
        if (result.Failures > 0)
        {
            NotMeasured(cell, route, $"{result.Failures} of {requests} requests failed; first: {result.FirstFailure}");
            return false;
        }
        if (calls != warmup + requests)
        {
            NotMeasured(cell, route, $"the stand-in saw {calls} chat calls for {warmup + requests} requests (each must reach it exactly once)");
            return false;
        }
        cell.Measured[route.Path] = result;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# {cell}, {route.Path}: {result.Completed} ok, p50 {result.Percentile(t => t.TotalMs, 50):F2} ms, p99 {result.Percentile(t => t.TotalMs, 99):F2} ms, {result.RequestsPerSecond:F0} req/s"));
        return true;
    }

    private async Task<List<MemoryResult>> MeasureMemoryAsync(UpstreamProvider provider, PortkeyGateway? portkey, int rounds, CancellationToken cancellationToken)
    {
        await using var standIn = await UpstreamStandIn.StartAsync(provider, _reply, cancellationToken).ConfigureAwait(false);
        var targets = new List<(string Path, Func<Task<ChildServer>> Start, Func<ChildServer, ClientRoute> Route)>
        {
            (ClientRoute.BareHop, () => BareHop.StartProcessAsync(standIn.BaseUri, cancellationToken),
                server => new ClientRoute(ClientRoute.BareHop, new Uri(server.BaseUri, standIn.DirectChatUri.PathAndQuery.TrimStart('/')))),
            (ClientRoute.Proxy, () => ProxyProcess.StartAsync(standIn, cancellationToken),
                server => ClientRoute.WithApiKey(ClientRoute.Proxy, new Uri(server.BaseUri, "v1/chat/completions"), LoopbackTopology.ProxyApiKey)),
        };
        if (portkey is not null)
        {
            targets.Add((ClientRoute.Peer, () => portkey.StartAsync(cancellationToken), server => PortkeyGateway.Route(server, standIn)));
        }

        var results = new List<MemoryResult>();
        foreach (var (path, start, route) in targets)
        {
            await using var server = await start().ConfigureAwait(false);
            var phase = _phase += 2;
            var result = await MemoryProbe.MeasureAsync(server, route(server), standIn, rounds, phase - 1, _maxDuration, cancellationToken).ConfigureAwait(false);
            var what = $"{FloorReport.ProviderName(provider)}, {MemoryProbe.Streams} streams, {path}";
            if (result.Streams.Failures > 0)
            {
                Problem(path, $"{what}: {result.Streams.Failures} requests failed; first: {result.Streams.FirstFailure}");
                continue;
            }
            results.Add(result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"# {what}: resident {FloorReport.Mb(result.BaselineBytes)} → {FloorReport.Mb(result.PeakBytes)} MB{(result.PeakIsExact ? "" : " (sampled peak)")}, at most {result.Streams.MaxInFlight} open at once"));
        }
        return results;
    }

    private void NotMeasured(FloorCell cell, ClientRoute route, string? reason)
    {
        reason = (reason ?? "no reason given").ReplaceLineEndings(" ");
        cell.NotMeasured[route.Path] = reason.Length > 300 ? reason[..300] + "…" : reason;
        Problem(route.Path, $"{cell}, {route.Path}: {reason}");
    }

    /// <summary>A failure on the harness's own paths fails the run; the peer's is reported and the run goes on.</summary>
    private void Problem(string path, string message)
    {
        Console.WriteLine("# " + message);
        if (path != ClientRoute.Peer)
        {
            _problems.Add(message);
        }
    }
}
