using OpenTelemetry.Trace;

namespace CursorAspire.Proxy.Tests.Telemetry;

/// <summary>
/// Health probes (the AppHost's and the tunnel's, every few seconds) must not fill the dashboard's Traces page: their
/// Redis <c>PING</c>s are kept out of the exported spans, while the Redis calls of a real request stay in.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class HealthCheckTracingTests(GarnetServerFixture garnet)
{
    [Fact]
    public async Task HealthProbesExportNoRedisSpansButModelRequestsDo()
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        var exported = new List<Activity>();
        var config = ProxyHost.OllamaConfig(ollama.BaseUri);
        config["ConnectionStrings:cache"] = garnet.ConnectionString;
        await using (var proxy = await ProxyHost.StartAsync(config, builder =>
            builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(exported))))
        {
            for (var i = 0; i < 10; i++)
            {
                var health = await proxy.Client.GetAsync("health");
                Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
            }
            // A real request with the response cache on talks to Redis, and that is worth seeing.
            var (response, _) = await ChatRequests.PostReadAsync(proxy.Client, ChatRequests.Simple("local", stream: false));
            response.EnsureSuccessStatusCode();
        }
        // Redis spans are drained from StackExchange.Redis's profiler in the background; stopping the proxy drains them all.

        var redis = exported.Where(a => a.Source.Name.Contains("Redis", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.DoesNotContain(redis, a => a.DisplayName.Contains("PING", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(exported, a => a.Source.Name == "Microsoft.AspNetCore" && a.DisplayName.Contains("/health", StringComparison.Ordinal));
        Assert.Contains(redis, a => a.DisplayName is "HMGET" or "GET" or "EVALSHA" or "EVAL" or "HGETALL");
    }

}
