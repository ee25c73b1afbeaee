using OpenTelemetry.Trace;

namespace CursorAspire.Proxy.Tests.Telemetry;

/// <summary>
/// Health probes (the AppHost's and the tunnel's, every few seconds) must not fill the dashboard's Traces page: their
/// Redis <c>PING</c>s are kept out of the exported spans, while the Redis calls of a real request stay in, under it.
/// </summary>
[Collection(GarnetCollection.Name)]
public sealed class HealthCheckTracingTests(GarnetServerFixture garnet)
{
    /// <param name="sampler">
    /// <c>OTEL_TRACES_SAMPLER</c>: none, or <c>always_on</c> as the AppHost sets it in development, which records a child
    /// whose parent was left out (the <c>proxy: PING</c> root trace every 30 s) unless the service defaults' sampler wins.
    /// </param>
    [Theory]
    [InlineData(null)]
    [InlineData("always_on")]
    public async Task HealthProbesExportNoRedisSpansButModelRequestsDo(string? sampler)
    {
        await using var ollama = await OllamaStandIn.StartAsync();
        var exported = new List<Activity>();
        var config = ProxyHost.OllamaConfig(ollama.BaseUri);
        config["ConnectionStrings:cache"] = garnet.ConnectionString;
        config["OTEL_TRACES_SAMPLER"] = sampler;
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
        // The request's own Redis work under its span stays in (the state store's transactions); commands the client
        // library issues with no request around them would be roots of their own, and are left out with the PINGs.
        Assert.NotEmpty(redis);
        // Every Redis span exported sits under a request: none is a trace of its own (the exporter sees every proxy this
        // test process runs, so this holds for all of them).
        Assert.All(redis, a => Assert.NotEqual(default, a.ParentSpanId));
    }

}
