using Polly.CircuitBreaker;
using CursorAspire.Proxy.Configuration;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Caching;

/// <summary>
/// Redis going away or going slow must never fail or hang a request. Each test owns its Garnet server (or a
/// socket that never answers), because it breaks it.
/// </summary>
public sealed class ResponseCacheOutageTests
{
    private static readonly TimeSpan RedisTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// The most a request may take with Redis down: a read and a write that each time out, plus slack for a 2-core CI
    /// machine running three test assemblies at once. A request that hung on Redis would take StackExchange.Redis's
    /// 5 s timeouts, or forever.
    /// </summary>
    private static readonly TimeSpan Bound = (2 * RedisTimeout) + TimeSpan.FromSeconds(1.5);
    private readonly string _partition = "outage-" + Guid.NewGuid().ToString("N");

    private static ResponseCacheOptions OutageOptions() => new()
    {
        RedisTimeout = RedisTimeout,
        Breaker = new BreakerOptions
        {
            FailureRatio = 0.5,
            MinimumThroughput = 4,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(30),
        },
    };

    [Fact]
    public async Task RequestsSucceedWithinBoundWhenRedisStopsMidTestAndTheBreakerOpens()
    {
        using var garnet = GarnetServerFixture.StartNew();
        var logs = new CapturedLogs();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        using var context = new CacheTestContext(garnet.ConnectionString, OutageOptions(), loggerFactory);
        await context.WarmUpAsync();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        // Healthy: a miss, then a hit from Redis.
        await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition), CacheTestData.Deadline());
        var warm = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: warm), CacheTestData.Deadline());
        Assert.Equal(ResponseCacheOutcome.Hit, warm.Outcome);

        garnet.Stop();

        var outcomes = new List<ResponseCacheOutcome>();
        for (var i = 0; i < 12; i++)
        {
            var request = new ResponseCacheScope(_partition);
            var stopwatch = Stopwatch.StartNew();
            if (i % 2 == 0)
            {
                var response = await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: request), CacheTestData.Deadline());
                Assert.Equal("Hello from upstream", response.Text);
            }
            else
            {
                var updates = new List<ChatResponseUpdate>();
                await foreach (var update in client.GetStreamingResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: request), CacheTestData.Deadline()))
                {
                    updates.Add(update);
                }

                Assert.Equal(6, updates.Count);
            }

            stopwatch.Stop();
            Assert.True(stopwatch.Elapsed < Bound, $"request {i} took {stopwatch.Elapsed} with Redis down");
            outcomes.Add(request.Outcome);
        }

        Assert.All(outcomes, o => Assert.Equal(ResponseCacheOutcome.Error, o));
        Assert.Equal(1 + 12, inner.Calls);
        Assert.Equal(CircuitState.Open, context.Store.CircuitState);
        Assert.Equal(1, context.Metrics["cursoraspire.cache.breaker_opened"]);
        Assert.True(context.Metrics["cursoraspire.cache.errors"] >= 12, $"errors counted: {context.Metrics["cursoraspire.cache.errors"]}");

        // The outage is logged once per opening, not once per request.
        Assert.Single(logs.Entries, e => e.Id.Id == 1 && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.Id.Id != 1);
    }

    [Fact]
    public async Task RedisThatNeverAnswersAddsBoundedLatency()
    {
        await using var hungRedis = new UnresponsiveRedis();
        using var context = new CacheTestContext(hungRedis.ConnectionString, OutageOptions());
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        for (var i = 0; i < 8; i++)
        {
            var request = new ResponseCacheScope(_partition);
            var stopwatch = Stopwatch.StartNew();
            var response = await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: request), CacheTestData.Deadline());
            stopwatch.Stop();

            Assert.Equal("Hello from upstream", response.Text);
            Assert.Equal(ResponseCacheOutcome.Error, request.Outcome);
            Assert.True(stopwatch.Elapsed < Bound, $"request {i} took {stopwatch.Elapsed} against a hung Redis");
        }

        Assert.Equal(CircuitState.Open, context.Store.CircuitState);
        Assert.Equal(8, inner.Calls);
    }

    [Fact]
    public async Task ConcurrentMissesStillCoalesceWhileRedisIsDown()
    {
        using var garnet = GarnetServerFixture.StartNew();
        garnet.Stop();
        using var context = new CacheTestContext(garnet.ConnectionString, OutageOptions());
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inner = new ScriptedChatClient { Gate = gate };
        using var client = context.CreateClient(inner);

        var calls = Enumerable.Range(0, 4)
            .Select(_ => Task.Run(() => client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition), CacheTestData.Deadline())))
            .ToList();
        await inner.CallStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // Every request is past its failed read (the store counts each failure as it gives up on the read).
        await context.Metrics.Reaching("cursoraspire.cache.errors", calls.Count).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(1, inner.Calls);
        gate.SetResult();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, inner.Calls);
    }

    [Fact]
    public async Task CacheComesBackWhenRedisReturns()
    {
        using var garnet = GarnetServerFixture.StartNew();
        var options = OutageOptions();
        options.Breaker.BreakDuration = TimeSpan.FromMilliseconds(500);
        options.Breaker.MinimumThroughput = 2;
        using var context = new CacheTestContext(garnet.ConnectionString, options);
        await context.WarmUpAsync();
        var inner = new ScriptedChatClient();
        using var client = context.CreateClient(inner);

        await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition), CacheTestData.Deadline());
        garnet.Stop();
        for (var i = 0; i < 4; i++)
        {
            await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition), CacheTestData.Deadline());
        }

        Assert.Equal(CircuitState.Open, context.Store.CircuitState);
        garnet.Start();

        // Same port, same process: the client reconnects in the background and the half-open trial closes the breaker.
        // Neither clock is the test's to move (StackExchange.Redis reconnects on its own heartbeat; the break duration
        // runs on the store's clock, which also times out the reads above), so this polls, and only an answer from
        // the store ends it.
        var recovered = false;
        var deadline = Stopwatch.StartNew();
        while (!recovered && deadline.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(250);
            var request = new ResponseCacheScope(_partition);
            await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: request), CacheTestData.Deadline());
            recovered = request.Outcome is ResponseCacheOutcome.Hit or ResponseCacheOutcome.Miss;
        }

        Assert.True(recovered, "the cache did not come back within 15 s of Redis returning");
        Assert.Equal(CircuitState.Closed, context.Store.CircuitState);
        var afterRecovery = new ResponseCacheScope(_partition);
        await client.GetResponseAsync(CacheTestData.Conversation(), CacheTestData.Options(_partition, request: afterRecovery), CacheTestData.Deadline());
        Assert.Equal(ResponseCacheOutcome.Hit, afterRecovery.Outcome);
        Console.WriteLine($"recovered after {deadline.Elapsed}");
    }
}
