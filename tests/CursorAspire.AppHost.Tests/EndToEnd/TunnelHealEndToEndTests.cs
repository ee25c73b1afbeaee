using CursorAspire.AppHost.Check;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Xunit.Abstractions;

namespace CursorAspire.AppHost.Tests.EndToEnd;

/// <summary>
/// The tunnel after a laptop's sleep, under the real AppHost: the cloudflared stand-in loses its edge (its process lives
/// on, its quick tunnel's URL is dead), the tunnel's watchdog restarts it, and the new URL is announced everywhere the
/// old one was shown; "Check as Cursor" runs again through it. The watchdog polls every second here (10 s by default).
/// </summary>
[Collection(AspireRunsCollection.Name)]
public sealed class TunnelHealEndToEndTests(ITestOutputHelper output)
{
    private const string ApiKey = "heal-e2e-key-0123456789abcdefghijklmn";

    [Fact]
    public async Task AfterTheEdgeIsLostTheTunnelHealsAndTheNewUrlReachesTheConsoleTheDashboardAndTheProxy()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = cts.Token;
        var edgePort = StandIn.FreePort();
        // A live telemetry intake, as the dashboard's is: with none, the proxy's exporter holds every stop for its 10 s
        // timeout, longer than the orchestrator waits when the proxy is restarted with the new URL.
        await using var otlp = await OtlpTraceReceiver.StartAsync();
        var console = new CapturedConsole();
        var (builder, ollama) = await StandIn.CreateAppHostAsync(
            ApiKey,
            [
                $"--CloudflareTunnel:CloudflaredPath={StandIn.CloudflaredPath}",
                "--CloudflareTunnel:HealthPollInterval=00:00:01",
                // The model's tool call and context probes are the check's own end-to-end tests; here it must run, and pass.
                "--CursorCheck:ContextTokens=0",
            ],
            ct);
        ollama
            .WithEnvironment("STANDIN_MODELS", StandIn.Model)
            .WithEnvironment("STANDIN_REPLY", """{"ToolCalls":[{"Name":"ReadFile","ArgumentsJson":"{\"path\":\"/workspace/README.md\"}"}]}""");
        var tunnel = StandIn.RouteTunnelThroughEdge(builder, edgePort);
        builder.Services.AddLogging(logging => logging.AddProvider(console));
        otlp.ExportHere(builder);

        await using var app = await builder.BuildAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await using var proxyStates = new ResourceStates(notifications, "proxy");
        await app.StartAsync(ct);

        // Up: the first URL, the check passed through it.
        var first = PublicUrlOf(await notifications.WaitForResourceAsync(tunnel.Name, e => e.Snapshot.HealthStatus == HealthStatus.Healthy && PublicUrlOf(e) is not null, ct))!;
        await proxyStates.WaitUntilAsync(s => Property(s, CursorCheckPublisher.SummaryProperty) is { } v && v != "running…", ct);
        Assert.Equal("8/8 passed", Property(proxyStates, CursorCheckPublisher.SummaryProperty));
        Assert.Equal(first + "/v1", Property(proxyStates, CursorSetupBuilderExtensions.BaseUrlProperty));

        var lost = Stopwatch.StartNew();
        using (var http = new HttpClient())
        {
            (await http.PostAsync($"http://127.0.0.1:{edgePort}/standin/lose-edge", null, ct)).EnsureSuccessStatusCode();
        }

        // Healed: a new URL, healthy through Cloudflare's (stand-in) edge, which needs the proxy restarted with it.
        var healed = await notifications.WaitForResourceAsync(tunnel.Name, e => PublicUrlOf(e) is { } url && url != first && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        var second = PublicUrlOf(healed)!;
        output.WriteLine($"Healed {lost.Elapsed.TotalSeconds:0.0} s after the edge was lost (watchdog every 1 s, 3 failures), proxy restart included.");

        // The dashboard: the tunnel's links, the proxy's link and properties carry the new URL, and the old one is gone.
        Assert.Equal(second + "/v1", healed.Snapshot.Urls.Single(u => u.DisplayProperties.DisplayName == "Cursor: Override OpenAI Base URL").Url);
        await proxyStates.WaitUntilAsync(s => Property(s, CursorSetupBuilderExtensions.BaseUrlProperty) == second + "/v1", ct);
        var proxy = proxyStates.Last!;
        Assert.Equal(second, proxy.EnvironmentVariables.Single(v => v.Name == "Proxy__PublicBaseUrl").Value);
        Assert.Equal(second + "/v1", Assert.Single(proxy.Urls, u => u.DisplayProperties.DisplayName == CursorSetupBuilderExtensions.PublicUrlDisplayText).Url);
        Assert.DoesNotContain(proxy.Urls, u => u.Url.StartsWith(first, StringComparison.Ordinal));
        Assert.Single(proxy.Properties, p => p.Name == CursorSetupBuilderExtensions.BaseUrlProperty);

        // "Check as Cursor" ran again, through the new URL, and passed.
        await proxyStates.WaitUntilAsync(_ => console.Messages(typeof(CursorAspire.Check.CursorCheck).FullName!).Count == 2, ct);
        var checks = console.Messages(typeof(CursorAspire.Check.CursorCheck).FullName!);
        Assert.StartsWith($"Cursor check of {second}/v1: 8/8 passed", checks[1], StringComparison.Ordinal);

        // The console said plainly that Cursor's setting must change, and to what.
        var setup = console.Messages("CursorAspire.AppHost.Cursor");
        Assert.Contains(setup, m => m.StartsWith($"The public URL changed: update Cursor's 'Override OpenAI Base URL' to {second}/v1 (it was {first}/v1)", StringComparison.Ordinal));
        var tunnelConsole = console.Messages("CursorAspire.Tunnel");
        Assert.Contains(tunnelConsole, m => m.Contains("restarting cloudflared", StringComparison.Ordinal));
        Assert.Contains(tunnelConsole, m => m.Contains($"has a new URL {second}", StringComparison.Ordinal));
    }

    private static string? PublicUrlOf(ResourceEvent e) =>
        e.Snapshot.Urls.FirstOrDefault(u => u.DisplayProperties.DisplayName == "Public URL")?.Url.TrimEnd('/');

    private static string? Property(ResourceStates states, string name) =>
        states.Last?.Properties.FirstOrDefault(p => p.Name == name)?.Value as string;
}
