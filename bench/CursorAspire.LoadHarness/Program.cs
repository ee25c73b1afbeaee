using CursorAspire.LoadHarness;
using CursorAspire.LoadHarness.Floor;
using CursorAspire.TestUpstreams;

// Load harness: see bench/README.md. Loopback only; every phase is bounded in count and time.
HarnessOptions options;
try
{
    options = HarnessOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    interrupted.Cancel();
};

if (options.ServeHop is { } upstream)
{
    return await BareHop.ServeAsync(upstream, options.Port, interrupted.Token);
}

var reply = new StandInReply
{
    TextChunks = [.. Enumerable.Range(0, options.Chunks).Select(i => $"tok{i} ")],
    Usage = new StandInUsage(1200, options.Chunks),
};

if (options.Floor)
{
    return await FloorRun.RunAsync(options, reply, interrupted.Token);
}

Console.WriteLine($"# CursorAspire load harness: provider={options.Provider}, requests={options.Requests}, concurrency={options.Concurrency}, chunks={options.Chunks}, warmup={options.Warmup}, {(options.NonStreamed ? "non-streamed" : "streamed")}{(options.Budget ? ", budget (named key, TokensPerDay, redis-server)" : "")}");
Console.WriteLine($"# {MachineDescription.Describe()}");

await using var topology = await LoopbackTopology.StartAsync(options.Provider, reply, withBareHop: false, interrupted.Token, withBudget: options.Budget);
var bodies = CursorRequestBodies.ForModel(topology.Alias, stream: !options.NonStreamed);
Console.WriteLine($"# Request body: {CursorRequestBodies.FixtureName} with a unique nonce, {bodies.Length} bytes, model '{topology.Alias}'");
Console.WriteLine($"# Direct: {topology.DirectChatUri}  Proxy: {topology.ProxyChatUri}");

var maxDuration = TimeSpan.FromSeconds(options.MaxSeconds);
var expected = ExpectedReply.Of(reply, streamed: !options.NonStreamed);
using var direct = new LoadRunner(new ClientRoute(ClientRoute.Direct, topology.DirectChatUri), expected);
using var proxied = new LoadRunner(ClientRoute.WithApiKey(ClientRoute.Proxy, topology.ProxyChatUri, LoopbackTopology.ProxyApiKey), expected);

using var sampler = options.AllocationTypes ? new AllocationTypeSampler() : null;
using var timeline = new HopTimeline();
var results = new List<PhaseResult>();
var phase = 0;

// Warm-up, then the measured requests, each body made by createBody(phase, sequence). False when the warm-up failed.
async Task<bool> RunPathAsync(string name, LoadRunner runner, Func<int, int, byte[]> createBody)
{
    var warmupPhase = ++phase;
    if (options.Warmup > 0)
    {
        var warm = await runner.RunAsync(name + " warm-up", options.Warmup, options.Concurrency, i => createBody(warmupPhase, i), maxDuration, sampler: null, timeline: null, interrupted.Token);
        if (warm.Failures > 0)
        {
            Console.Error.WriteLine($"{name} warm-up: {warm.Failures} failed: {warm.FirstFailure}");
            return false;
        }
    }
    var measuredPhase = ++phase;
    results.Add(await runner.RunAsync(name, options.Requests, options.Concurrency, i => createBody(measuredPhase, i), maxDuration, sampler, timeline, interrupted.Token));
    return true;
}

if (!await RunPathAsync(ClientRoute.Direct, direct, bodies.Create) || !await RunPathAsync(ClientRoute.Proxy, proxied, bodies.Create))
{
    return 1;
}

// The proxy's own upstream call, replayed straight to the stand-in: the upstream's work on exactly what the proxy sent.
var replay = UpstreamReplay.Of(topology.StandIn.LastChatRequest, topology.StandIn.BaseUri, reply);
Console.WriteLine($"# Upstream replay: the proxy's last upstream chat call as the stand-in recorded it, {replay.Describe()}");
using var replayed = new LoadRunner(replay.Route, replay.Expected);
if (!await RunPathAsync(ClientRoute.UpstreamReplay, replayed, replay.Create))
{
    return 1;
}

Console.WriteLine();
Console.Write(HarnessReport.Render(results[0], results[1], results[2]));
var expectedCalls = 3 * (options.Warmup + options.Requests);
Console.WriteLine($"# Upstream chat calls: {topology.UpstreamCalls} (expected {expectedCalls}: every request reached the stand-in, none answered from a cache)");

var failed = results.Sum(r => r.Failures);
foreach (var result in results.Where(r => r.Failures > 0))
{
    Console.Error.WriteLine($"{result.Path}: {result.Failures} of {options.Requests} failed; first: {result.FirstFailure}");
}
return failed > 0 || topology.UpstreamCalls != expectedCalls ? 1 : 0;
