using System.Diagnostics;
using System.Globalization;
using CursorAspire.CloudflaredStandIn;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace CursorAspire.Tunnel.Tests.EndToEnd;

/// <summary>
/// The tunnel heals itself: the cloudflared stand-in loses its edge (the process lives on, the public URL is dead, as
/// after a laptop's sleep) and the watchdog restarts it. The poll runs every second here instead of every 10 s.
/// </summary>
public sealed partial class CloudflareTunnelEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AQuickTunnelThatLostItsEdgeIsRestartedAndItsNewUrlReachesTheDependent()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var ct = deadline.Token;
        var edgePort = FreePort.Next();
        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddStandInTunnel(builder, origin, edgePort, o => o.HealthPollInterval = TimeSpan.FromSeconds(1));
        origin.WithTunnelPublicUrl(tunnel);

        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var healthy = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy && PublicUrlOf(e) is not null, ct);
        var first = PublicUrlOf(healthy)!;
        await WaitForLogLineAsync(app, tunnel.Resource, l => l.Contains("Watching the public URL", StringComparison.Ordinal), ct);

        var lost = Stopwatch.StartNew();
        await LoseEdgeAsync(edgePort, ct);

        // Restarted after three failed polls, with a new hostname, healthy through it, the dependent restarted with it.
        var healed = await notifications.WaitForResourceAsync(
            "tunnel", e => PublicUrlOf(e) is { } url && url != first && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        var second = PublicUrlOf(healed)!;
        output.WriteLine($"Quick tunnel healed {lost.Elapsed.TotalSeconds:0.0} s after losing its edge (poll every 1 s, restart after 3 failures).");
        var originRestarted = await notifications.WaitForResourceAsync(
            "origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running && EnvironmentValue(e, "Proxy__PublicBaseUrl") == second, ct);
        Assert.NotNull(originRestarted);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("Healthy", await GetThroughEdgeAsync(http, edgePort, new Uri(second).Host, "/health", ct));

        var log = await AllLogLinesAsync(app, tunnel.Resource, ct);
        Assert.Equal(3, log.Count(l => l.Contains("Public URL check", StringComparison.Ordinal) && l.Contains("HTTP 530", StringComparison.Ordinal)));
        Assert.Contains(log, l => l.Contains("restarting cloudflared (a quick tunnel comes back with a new URL)", StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Public URL changed to " + second, StringComparison.Ordinal) && l.Contains("Update Cursor's 'Override OpenAI Base URL'", StringComparison.Ordinal));
        var heals = await notifications.WaitForResourceAsync("tunnel", e => HealsOf(e)?.Contains("healed in", StringComparison.Ordinal) == true, ct);
        Assert.StartsWith("1 (", HealsOf(heals));
    }

    [Fact]
    public async Task ANamedTunnelThatLostItsEdgeIsRestartedAtTheSameUrlAndTheDependentKeepsRunning()
    {
        using var deadline = new CancellationTokenSource(RunDeadline);
        var ct = deadline.Token;
        var edgePort = FreePort.Next();
        const string Hostname = "cursor.example.com";
        var (builder, origin) = CreateWithOrigin();
        builder.Configuration["Parameters:cloudflare-tunnel-token"] = "eyJhIjoiMTIzNDU2Nzg5MCIsInQiOiJmYWtlLXRva2VuIn0";
        var tunnel = AddStandInTunnel(builder, origin, edgePort, o => o.HealthPollInterval = TimeSpan.FromSeconds(1), Hostname)
            .WithNamedTunnel(builder.AddParameter("cloudflare-tunnel-token", secret: true), Hostname)
            .WithEnvironment("CLOUDFLARED_STANDIN_ORIGIN", origin.GetEndpoint("http"))
            .WithEnvironment("CLOUDFLARED_STANDIN_HOSTNAME", Hostname);
        origin.WithTunnelPublicUrl(tunnel);

        await using var app = await builder.BuildAsync(ct);
        await app.StartAsync(ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        var originStarted = (await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct)).Snapshot.StartTimeStamp;
        await WaitForLogLineAsync(app, tunnel.Resource, l => l.Contains("Watching the public URL", StringComparison.Ordinal), ct);

        var lost = Stopwatch.StartNew();
        await LoseEdgeAsync(edgePort, ct);

        var healed = await notifications.WaitForResourceAsync("tunnel", e => HealsOf(e)?.Contains("healed in", StringComparison.Ordinal) == true, ct);
        output.WriteLine($"Named tunnel healed {lost.Elapsed.TotalSeconds:0.0} s after losing its edge (poll every 1 s, restart after 3 failures).");
        Assert.Equal($"https://{Hostname}", PublicUrlOf(healed));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("Healthy", await GetThroughEdgeAsync(http, edgePort, Hostname, "/health", ct));
        var log = await AllLogLinesAsync(app, tunnel.Resource, ct);
        Assert.Contains(log, l => l.Contains("restarting cloudflared (it keeps its URL)", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Contains("Public URL changed", StringComparison.Ordinal));
        Assert.True(notifications.TryGetCurrentState("origin", out var originNow));
        Assert.Equal(originStarted, originNow.Snapshot.StartTimeStamp); // the same URL: nothing to restart
        Assert.Single(await AllLogLinesAsync(app, origin.Resource, ct), l => l.Contains("Starting process", StringComparison.Ordinal));
    }

    /// <summary>Tells the stand-in to lose its edge, as a laptop's sleep does; the process lives on.</summary>
    private static async Task LoseEdgeAsync(int edgePort, CancellationToken ct)
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync($"http://127.0.0.1:{edgePort}/standin/lose-edge", null, ct);
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    private static string? HealsOf(ResourceEvent e) =>
        e.Snapshot.Properties.FirstOrDefault(p => p.Name == CloudflareTunnelStates.HealsProperty)?.Value as string;

    /// <summary>
    /// A tunnel run by the cloudflared stand-in in front of the origin, with its edge on <paramref name="edgePort"/>, and
    /// its health check and watchdog sent to that edge for the tunnel's hostnames (quick, and <paramref name="namedHosts"/>).
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> AddStandInTunnel(
        IDistributedApplicationTestingBuilder builder, IResourceBuilder<ExecutableResource> origin, int edgePort, Action<CloudflareTunnelOptions>? configure = null, params string[] namedHosts)
    {
        builder.Services.AddHttpClient(CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName)
            .AddHttpMessageHandler(() => new EdgeRedirectHandler(edgePort, namedHosts));
        return builder.AddCloudflareTunnel("tunnel", origin.GetEndpoint("http"), o =>
            {
                o.ContainerRuntime = "none"; // this machine has no container runtime; don't spend the probe
                o.CloudflaredPath = ModelInspection.StandInPath;
                configure?.Invoke(o);
            })
            .WithEnvironment("CLOUDFLARED_STANDIN_PORT", edgePort.ToString(CultureInfo.InvariantCulture));
    }
}
