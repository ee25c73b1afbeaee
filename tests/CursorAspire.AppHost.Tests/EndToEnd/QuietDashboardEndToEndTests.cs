using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// A quiet dashboard: the whole AppHost (cache, Ollama stand-in, proxy, cloudflared stand-in with its watchdog) left
/// idle exports no trace at all, while a model call right before is there; and no development-certificate warning
/// (the dashboard's red banner) on a machine without a trusted one, as this one is.
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class QuietDashboardEndToEndTests
{
    private const string ApiKey = "quiet-e2e-key-0123456789abcdefghijklmn";

    /// <summary>
    /// One minute, as the issue asks: the work that runs by itself while idle is periodic and at most 30 s apart (Aspire's
    /// health checks of every resource every 30 s, each a <c>GET /health</c> of the proxy with its Redis PING; the tunnel's
    /// watchdog through the public URL every 10 s; metrics every second), so a minute sees each of them at least twice.
    /// It is an observation of nothing happening, not a wait for a signal: there is none to wait on.
    /// </summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task AnIdleAppHostExportsNoTraceForAMinuteAndWarnsOfNoDevelopmentCertificate()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var ct = cts.Token;
        var edgePort = StandIn.FreePort();
        var console = new CapturedConsole();
        await using var otlp = await OtlpTraceReceiver.StartAsync();
        var (builder, ollama) = await StandIn.CreateAppHostAsync(
            ApiKey,
            [
                $"--CloudflareTunnel:CloudflaredPath={StandIn.CloudflaredPath}",
                "--CursorCheck:AutoRun=false", // its requests are a user's traces, not idle ones; it has its own tests
            ],
            ct);
        ollama.WithEnvironment("STANDIN_MODELS", StandIn.Model);
        var tunnel = StandIn.RouteTunnelThroughEdge(builder, edgePort);
        builder.Services.AddLogging(logging => logging.AddProvider(console));
        otlp.ExportHere(builder);

        await using var app = await builder.BuildAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await app.StartAsync(ct);
        await notifications.WaitForResourceAsync(tunnel.Name, e => e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        await notifications.WaitForResourceHealthyAsync("proxy", ct);

        // The intake works: a model call's trace arrives, whole (its server span ends, and is sent, last).
        using (var http = app.CreateHttpClient("proxy", "http"))
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions"))
        {
            request.Content = new StringContent("""{"model":"local-qwen2.5-coder-7b","messages":[{"role":"user","content":"hello"}]}""", Encoding.UTF8, "application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
            (await http.SendAsync(request, ct)).EnsureSuccessStatusCode();
        }

        await otlp.WaitForSpanAsync(s => s.Service == "proxy" && s.ParentSpanId is null && s.Name.Contains("chat/completions", StringComparison.Ordinal), ct);
        Assert.Contains(otlp.Spans, s => s.Service == "proxy" && s.Name.StartsWith("chat ", StringComparison.Ordinal)); // the model call itself
        var before = otlp.Spans.Select(s => s.TraceId).ToHashSet();

        await Task.Delay(Idle, ct);

        // No new trace. Spans of the model call's own trace may still arrive: Redis commands are reported in batches.
        var idle = otlp.Spans.Where(s => !before.Contains(s.TraceId)).ToList();
        Assert.True(idle.Count == 0, $"An idle minute exported {idle.Count} spans of new traces: {string.Join("; ", idle.Take(20))}");

        // No resource asks for a development certificate, so the dashboard has no "No trusted development certificate" banner.
        Assert.DoesNotContain(console.Messages("Aspire.Hosting.Dcp.DcpHost"), m => m.Contains("development certificate", StringComparison.OrdinalIgnoreCase));
    }
}
