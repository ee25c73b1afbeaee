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
        var ct = _deadline.Token;
        var edgePort = FreePort.Next();
        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddStandInTunnel(builder, origin, edgePort, o => o.HealthPollInterval = TimeSpan.FromSeconds(1));
        await using var app = await StartAsync(builder, origin, tunnel, ct);
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
        var ct = _deadline.Token;
        var edgePort = FreePort.Next();
        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddStandInNamedTunnel(builder, origin, edgePort, NamedTunnelHost, o => o.HealthPollInterval = TimeSpan.FromSeconds(1));
        await using var app = await StartAsync(builder, origin, tunnel, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        var originStarted = (await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct)).Snapshot.StartTimeStamp;
        await WaitForLogLineAsync(app, tunnel.Resource, l => l.Contains("Watching the public URL", StringComparison.Ordinal), ct);

        var lost = Stopwatch.StartNew();
        await LoseEdgeAsync(edgePort, ct);

        var healed = await notifications.WaitForResourceAsync("tunnel", e => HealsOf(e)?.Contains("healed in", StringComparison.Ordinal) == true, ct);
        output.WriteLine($"Named tunnel healed {lost.Elapsed.TotalSeconds:0.0} s after losing its edge (poll every 1 s, restart after 3 failures).");
        Assert.Equal($"https://{NamedTunnelHost}", PublicUrlOf(healed));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal("Healthy", await GetThroughEdgeAsync(http, edgePort, NamedTunnelHost, "/health", ct));
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
    /// A named tunnel for <paramref name="hostname"/> (its token <see cref="NamedTunnelToken"/> from the configuration), run
    /// by the cloudflared stand-in as <see cref="AddStandInTunnel"/> runs a quick one.
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> AddStandInNamedTunnel(
        IDistributedApplicationTestingBuilder builder, IResourceBuilder<ExecutableResource> origin, int edgePort, string hostname, Action<CloudflareTunnelOptions>? configure = null)
    {
        builder.Configuration["Parameters:cloudflare-tunnel-token"] = NamedTunnelToken;
        return AddStandInTunnel(builder, origin, edgePort, configure, hostname)
            .WithNamedTunnel(builder.AddParameter("cloudflare-tunnel-token", secret: true), hostname)
            // A real named tunnel gets its origin and hostname from its ingress rules at Cloudflare; the stand-in from these.
            .WithEnvironment("CLOUDFLARED_STANDIN_ORIGIN", origin.GetEndpoint("http"))
            .WithEnvironment("CLOUDFLARED_STANDIN_HOSTNAME", hostname);
    }

    /// <summary>
    /// A tunnel run by the cloudflared stand-in in front of the origin, with its edge on <paramref name="edgePort"/>, and
    /// its health check and watchdog sent to that edge for the tunnel's hostnames (quick, and <paramref name="namedHosts"/>).
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> AddStandInTunnel(
        IDistributedApplicationTestingBuilder builder, IResourceBuilder<ExecutableResource> origin, int edgePort, Action<CloudflareTunnelOptions>? configure = null, params string[] namedHosts)
    {
        builder.Services.AddHttpClient(CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName)
            .AddHttpMessageHandler(() => new EdgeRedirectHandler(edgePort, namedHosts));
        return AddProcessTunnel(builder, origin, ModelInspection.StandInPath, configure)
            .WithEnvironment("CLOUDFLARED_STANDIN_PORT", edgePort.ToString(CultureInfo.InvariantCulture));
    }
}
