using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;

namespace CursorAspire.Tunnel.Tests.EndToEnd;

/// <summary>
/// Whole runs through Aspire's orchestrator: the cloudflared stand-in as the tunnel executable (real log lines,
/// real HTTP forwarding on loopback) in front of a small origin service that plays the proxy.
/// </summary>
public sealed partial class CloudflareTunnelEndToEndTests
{
    /// <summary>The host name the named-tunnel runs give their tunnel.</summary>
    private const string NamedTunnelHost = "cursor.example.com";

    /// <summary>The run's deadline, two minutes from the test's start (xUnit makes an instance per test): every wait ends by then.</summary>
    private readonly CancellationTokenSource _deadline = new(TimeSpan.FromSeconds(120));

    /// <summary>The named tunnel's token (<c>Parameters:cloudflare-tunnel-token</c>): a made-up one, which the stand-in takes.</summary>
    private const string NamedTunnelToken = "eyJhIjoiMTIzNDU2Nzg5MCIsInQiOiJmYWtlLXRva2VuIn0";

    [Fact]
    public async Task QuickTunnelUrlReachesDashboardAndDependentPassesHealthAndFollowsARestart()
    {
        var ct = _deadline.Token;
        var edgePort = FreePort.Next();

        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddStandInTunnel(builder, origin, edgePort);
        await using var app = await StartAsync(builder, origin, tunnel, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        // 1. The URL cloudflared printed is read, shown on the resource, and the tunnel turns healthy through it.
        var healthy = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy && PublicUrlOf(e) is not null, ct);
        var printed = await PrintedUrlsAsync(app, tunnel.Resource, ct);
        var first = Assert.Single(printed);
        Assert.Equal(first, PublicUrlOf(healthy));
        Assert.Equal(first + "/v1", healthy.Snapshot.Urls.Single(u => u.DisplayProperties.DisplayName == "Cursor: Override OpenAI Base URL").Url);
        Assert.Contains(tunnel.Resource.Annotations.OfType<ResourceUrlAnnotation>(), a => a.Url == first); // survives snapshot rebuilds
        Assert.Equal(new Uri(first), tunnel.Resource.Tunnel.PublicUrl);

        // 2. The dependent was started with it, and really has it in its process environment.
        var originRunning = await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        Assert.Equal(first, EnvironmentValue(originRunning, "Proxy__PublicBaseUrl"));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var originUrl = origin.GetEndpoint("http").Url;
        Assert.Equal(first, await http.GetStringAsync($"{originUrl}/public-base-url", ct));

        // 3. Traffic for the public hostname really goes through the stand-in edge to the origin.
        Assert.Equal($"https {new Uri(first).Host}", await GetThroughEdgeAsync(http, edgePort, new Uri(first).Host, "/forwarded", ct));

        // 4. Restart the tunnel: a new hostname is printed, picked up, shown, and the dependent is restarted with it.
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var restart = await commands.ExecuteCommandAsync(tunnel.Resource, KnownResourceCommands.RestartCommand, ct);
        Assert.True(restart.Success, restart.Message);

        var afterRestart = await notifications.WaitForResourceAsync(
            "tunnel", e => PublicUrlOf(e) is { } url && url != first && e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        var second = PublicUrlOf(afterRestart)!;
        Assert.Equal([second], await PrintedUrlsAsync(app, tunnel.Resource, ct)); // the log of the current run
        Assert.Single(afterRestart.Snapshot.Urls, u => u.DisplayProperties.DisplayName == "Public URL");

        var originRestarted = await notifications.WaitForResourceAsync(
            "origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running && EnvironmentValue(e, "Proxy__PublicBaseUrl") == second, ct);
        Assert.NotNull(originRestarted);
        // The restarted origin says when it listens; from then on it must answer with the new URL.
        await WaitForLogLineAsync(app, origin.Resource, l => l.EndsWith($"public base URL is {second}", StringComparison.Ordinal), ct);
        Assert.Equal(second, await http.GetStringAsync($"{originUrl}/public-base-url", ct));

        // The old hostname is dead, as a real quick tunnel's is after a restart.
        Assert.Equal("error code: 1033", await GetThroughEdgeAsync(http, edgePort, new Uri(first).Host, "/health", ct));
    }

    [Fact]
    public async Task WithoutCloudflaredTheTunnelShowsAWarningAndTheDependentStartsWithoutAUrl()
    {
        var ct = _deadline.Token;

        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddProcessTunnel(builder, origin, "/nonexistent/cloudflared");
        await using var app = await StartAsync(builder, origin, tunnel, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        var unavailable = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.State?.Text == "Unavailable", ct);
        Assert.Equal(KnownResourceStateStyles.Warn, unavailable.Snapshot.State?.Style);
        var originRunning = await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        Assert.Null(EnvironmentValue(originRunning, "Proxy__PublicBaseUrl"));

        var log = await WaitForLogLineAsync(
            app,
            tunnel.Resource,
            line => line.Contains("cloudflared", StringComparison.Ordinal) && line.Contains("was not found on PATH", StringComparison.Ordinal),
            ct);
        Assert.Contains("Install cloudflared", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedTunnelGetsItsTokenFromTheEnvironmentAndIsHealthyAtItsStableHostname()
    {
        var ct = _deadline.Token;
        var edgePort = FreePort.Next();

        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddStandInNamedTunnel(builder, origin, edgePort, NamedTunnelHost);
        await using var app = await StartAsync(builder, origin, tunnel, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        // Healthy means the stand-in ran (it exits at once without TUNNEL_TOKEN) and /health answered through it.
        var healthy = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy, ct);
        Assert.Equal($"https://{NamedTunnelHost}", PublicUrlOf(healthy));
        var originRunning = await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        Assert.Equal($"https://{NamedTunnelHost}", EnvironmentValue(originRunning, "Proxy__PublicBaseUrl"));

        var log = await AllLogLinesAsync(app, tunnel.Resource, ct);
        var start = Assert.Single(log, l => l.Contains("Starting process", StringComparison.Ordinal));
        Assert.Contains("Args = [\"tunnel\", \"--no-autoupdate\", \"run\"]", start, StringComparison.Ordinal);
        Assert.DoesNotContain(log, l => l.Contains(NamedTunnelToken, StringComparison.Ordinal));
        Assert.Contains(log, l => l.Contains("Registered tunnel connection", StringComparison.Ordinal));
        // The executable resolves the dashboard's origin on this machine: the log names exactly what to set there.
        var port = origin.GetEndpoint("http").Port;
        Assert.Contains(log, l => l.Contains($"{NamedTunnelHost}: in Cloudflare's dashboard its public hostname must route to http://localhost:{port} ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task QuickTunnelThatCannotOpenDoesNotHoldTheDependentBack()
    {
        var ct = _deadline.Token;

        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddProcessTunnel(builder, origin, ModelInspection.StandInPath, o =>
                o.PublicUrlWaitTimeout = TimeSpan.FromMinutes(10)) // far beyond the run deadline: only the failure may release the wait
            .WithEnvironment("CLOUDFLARED_STANDIN_QUICK_TUNNEL", "fail");
        await using var app = await StartAsync(builder, origin, tunnel, ct);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();

        var originRunning = await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        Assert.Null(EnvironmentValue(originRunning, "Proxy__PublicBaseUrl"));
        await notifications.WaitForResourceAsync("tunnel", e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), ct);
        Assert.Null(tunnel.Resource.Tunnel.PublicUrl);
        var originLog = await AllLogLinesAsync(app, origin.Resource, ct);
        Assert.Contains(originLog, l => l.Contains("starting without a public URL", StringComparison.Ordinal));
    }

    /// <summary>An app with the origin stand-in (an HTTP server that tells its public base URL) for a tunnel to expose.</summary>
    private static (IDistributedApplicationTestingBuilder Builder, IResourceBuilder<ExecutableResource> Origin) CreateWithOrigin()
    {
        var builder = DistributedApplicationTestingBuilder.Create("--ASPIRE_TESTING_DISABLE_HTTP_CLIENT=true");
        return (builder, builder.AddExecutable("origin", ModelInspection.StandInPath, AppContext.BaseDirectory, "origin").WithHttpEndpoint(env: "PORT"));
    }

    /// <summary>
    /// The tunnel in front of the origin, run as a process with <paramref name="cloudflaredPath"/>: this machine has no
    /// container runtime, and the probe for one is not spent.
    /// </summary>
    private static IResourceBuilder<ICloudflareTunnelResource> AddProcessTunnel(
        IDistributedApplicationTestingBuilder builder, IResourceBuilder<ExecutableResource> origin, string cloudflaredPath, Action<CloudflareTunnelOptions>? configure = null) =>
        builder.AddCloudflareTunnel("tunnel", origin.GetEndpoint("http"), o =>
        {
            o.ContainerRuntime = "none";
            o.CloudflaredPath = cloudflaredPath;
            configure?.Invoke(o);
        });

    /// <summary>Gives <paramref name="origin"/> the tunnel's public URL, then builds and starts the app.</summary>
    private static async Task<DistributedApplication> StartAsync(
        IDistributedApplicationTestingBuilder builder, IResourceBuilder<ExecutableResource> origin, IResourceBuilder<ICloudflareTunnelResource> tunnel, CancellationToken ct)
    {
        origin.WithTunnelPublicUrl(tunnel);
        var app = await builder.BuildAsync(ct);
        try
        {
            await app.StartAsync(ct);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private static string? PublicUrlOf(ResourceEvent e) =>
        e.Snapshot.Urls.FirstOrDefault(u => u.DisplayProperties.DisplayName == "Public URL")?.Url;

    private static string? EnvironmentValue(ResourceEvent e, string name) =>
        e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == name)?.Value;

    private static async Task<List<string>> AllLogLinesAsync(DistributedApplication app, IResource resource, CancellationToken ct)
    {
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(resource).WithCancellation(ct))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }

        return lines;
    }

    /// <summary>The URLs in the stand-in's own banner rows, found independently of the parser under test.</summary>
    private static async Task<List<string>> PrintedUrlsAsync(DistributedApplication app, IResource resource, CancellationToken ct) =>
        (await AllLogLinesAsync(app, resource, ct))
            .Select(l => BannerUrl().Match(l))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToList();

    private static async Task<string> GetThroughEdgeAsync(HttpClient http, int edgePort, string host, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{edgePort}{path}");
        request.Headers.Host = host;
        using var response = await http.SendAsync(request, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    /// <summary>Follows the resource's log (what it printed so far, then each new line) until a line matches.</summary>
    private static async Task<string> WaitForLogLineAsync(DistributedApplication app, IResource resource, Func<string, bool> match, CancellationToken ct)
    {
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(ct))
        {
            if (batch.FirstOrDefault(l => match(l.Content)) is { } line)
            {
                return line.Content;
            }
        }

        throw new InvalidOperationException($"The log of '{resource.Name}' ended without the awaited line.");
    }

    [GeneratedRegex(@"\|\s+(https://[a-z-]+\.trycloudflare\.com)\s+\|")]
    private static partial Regex BannerUrl();
}
