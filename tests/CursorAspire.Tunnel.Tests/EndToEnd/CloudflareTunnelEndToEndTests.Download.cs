using System.Collections.Concurrent;
using System.Globalization;
using CursorAspire.CloudflaredStandIn;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CursorAspire.Tunnel.Tests.EndToEnd;

// First run on a machine with neither a container runtime nor cloudflared: the release-server stand-in serves the
// cloudflared stand-in as this platform's release asset; the tunnel downloads, verifies, keeps and runs it.
public sealed partial class CloudflareTunnelEndToEndTests : IDisposable
{
    private const string CloudflaredNotOnPath = "cloudflared-not-on-any-path";

    private DirectoryInfo? _cache;

    /// <summary>The test's own per-user cache folder for downloaded cloudflared binaries, made when first asked for.</summary>
    private string Cache => (_cache ??= Directory.CreateTempSubdirectory("cursoraspire-cloudflared-cache-")).FullName;

    public void Dispose()
    {
        _deadline.Dispose();
        _cache?.Delete(recursive: true);
    }

    [Fact]
    public async Task FirstRunDownloadsCloudflaredShowingProgressThenOpensTheTunnelWithIt()
    {
        var ct = _deadline.Token;
        await using var server = await CloudflaredReleaseServer.StartAsync();
        var edgePort = FreePort.Next();
        var (builder, tunnel) = FirstRunModel(Cache, server.ReleasesUrl, edgePort);

        var (app, notifications, states) = await StartRecordingTunnelStatesAsync(builder, ct);
        await using var started = app;
        var healthy = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy && PublicUrlOf(e) is not null, ct);

        // The dashboard showed the download like a model pull, then the check, then the tunnel ran.
        var seen = states.ToArray();
        var downloading = Array.IndexOf(seen, "Downloading cloudflared 0%");
        var done = Array.IndexOf(seen, "Downloading cloudflared 100%");
        var verifying = Array.IndexOf(seen, CloudflareTunnelStates.Verifying.Text);
        var running = Array.IndexOf(seen, KnownResourceStates.Running);
        Assert.True(downloading >= 0 && downloading < done && done < verifying && verifying < running, $"states seen: {string.Join(" → ", seen)}");

        // It runs the verified binary kept in the per-user cache, downloaded once.
        var kept = Path.Combine(Cache, PinnedVersions.Cloudflared, CloudflaredRelease.ExecutableName(MachinePlatform.Current));
        Assert.Equal(kept, Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource).Command);
        Assert.True(File.Exists(kept));
        Assert.Equal(1, server.Downloads);

        // And it is a working tunnel: traffic for the public hostname reaches the origin through it.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var host = new Uri(PublicUrlOf(healthy)!).Host;
        Assert.Equal($"https {host}", await GetThroughEdgeAsync(http, edgePort, host, "/forwarded", ct));
    }

    [Fact]
    public async Task ALaterRunReusesTheDownloadedCloudflaredWithoutTheNetwork()
    {
        var ct = _deadline.Token;
        Uri releasesUrl;
        await using (var server = await CloudflaredReleaseServer.StartAsync())
        {
            // The first run's download, then the release server (the network) goes away.
            releasesUrl = server.ReleasesUrl;
            var release = CloudflaredRelease.For(MachinePlatform.Current, PinnedVersions.Cloudflared, releasesUrl, Cache)!;
            using var http = new HttpClient();
            await new CloudflaredInstaller(release, http, NullLogger.Instance).InstallAsync(_ => Task.CompletedTask, ct);
        }

        var (builder, tunnel) = FirstRunModel(Cache, releasesUrl, FreePort.Next());
        var (app, notifications, states) = await StartRecordingTunnelStatesAsync(builder, ct);
        await using var started = app;

        await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.HealthStatus == HealthStatus.Healthy && PublicUrlOf(e) is not null, ct);
        Assert.Null(tunnel.Resource.Tunnel.Download);
        Assert.DoesNotContain(states, s => s.StartsWith(CloudflareTunnelStates.DownloadingPrefix, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("corrupt", "does not match")]
    [InlineData("down", $"downloading cloudflared {PinnedVersions.Cloudflared} failed:")]
    public async Task AFailedDownloadLeavesTheTunnelUnavailableWithTheReasonAndTheDependentStartsAtOnce(string failure, string reason)
    {
        var ct = _deadline.Token;
        await using var server = await CloudflaredReleaseServer.StartAsync(corrupt: failure == "corrupt");
        if (failure == "down")
        {
            await server.DisposeAsync(); // no network: nothing answers at the releases address
        }

        // A URL wait far beyond the run deadline: only the failed download may release the dependent's wait.
        var (builder, tunnel) = FirstRunModel(Cache, server.ReleasesUrl, FreePort.Next(), publicUrlWait: TimeSpan.FromMinutes(10));
        var origin = builder.Resources.OfType<ExecutableResource>().Single(r => r.Name == "origin");
        var (app, notifications, _) = await StartRecordingTunnelStatesAsync(builder, ct);
        await using var started = app;

        var unavailable = await notifications.WaitForResourceAsync("tunnel", e => e.Snapshot.State?.Text == CloudflareTunnelStates.Unavailable.Text, ct);
        Assert.Equal(KnownResourceStateStyles.Warn, unavailable.Snapshot.State?.Style);
        var why = unavailable.Snapshot.Properties.Single(p => p.Name == CloudflareTunnelStates.UnavailableReasonProperty).Value?.ToString();
        Assert.Contains(reason, why, StringComparison.Ordinal);
        Assert.Contains("Install cloudflared", why, StringComparison.Ordinal);
        Assert.Equal(why, tunnel.Resource.Tunnel.UnavailableReason);
        await WaitForLogLineAsync(app, tunnel.Resource, l => l.Contains(reason, StringComparison.Ordinal), ct);

        var originRunning = await notifications.WaitForResourceAsync("origin", e => e.Snapshot.State?.Text == KnownResourceStates.Running, ct);
        Assert.Null(EnvironmentValue(originRunning, "Proxy__PublicBaseUrl"));
        Assert.Contains(await AllLogLinesAsync(app, origin, ct), l => l.Contains("starting without a public URL", StringComparison.Ordinal));
        Assert.Empty(Directory.GetFiles(Cache, "*", SearchOption.AllDirectories)); // nothing kept, no partial download left
    }

    /// <summary>A machine with neither a container runtime nor cloudflared: an origin behind a tunnel that must download cloudflared.</summary>
    private static (IDistributedApplicationTestingBuilder Builder, IResourceBuilder<ICloudflareTunnelResource> Tunnel) FirstRunModel(
        string cache, Uri releasesUrl, int edgePort, TimeSpan? publicUrlWait = null)
    {
        var (builder, origin) = CreateWithOrigin();
        var tunnel = AddProcessTunnel(builder, origin, CloudflaredNotOnPath, o =>
            {
                o.InstallDirectory = cache;
                o.ReleasesUrl = releasesUrl.ToString();
                o.PublicUrlWaitTimeout = publicUrlWait ?? o.PublicUrlWaitTimeout;
            })
            .WithEnvironment("CLOUDFLARED_STANDIN_PORT", edgePort.ToString(CultureInfo.InvariantCulture));
        origin.WithTunnelPublicUrl(tunnel);
        builder.Services.AddHttpClient(CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName)
            .AddHttpMessageHandler(() => new EdgeRedirectHandler(edgePort));
        return (builder, tunnel);
    }

    /// <summary>Builds and starts the app, recording every distinct consecutive state the tunnel shows, in order.</summary>
    private static async Task<(DistributedApplication App, ResourceNotificationService Notifications, ConcurrentQueue<string> TunnelStates)> StartRecordingTunnelStatesAsync(
        IDistributedApplicationTestingBuilder builder, CancellationToken cancellationToken)
    {
        var app = await builder.BuildAsync(cancellationToken);
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var states = new ConcurrentQueue<string>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var e in notifications.WatchAsync(cancellationToken))
                {
                    if (e.Resource.Name == "tunnel" && e.Snapshot.State?.Text is { Length: > 0 } text && (states.IsEmpty || states.Last() != text))
                    {
                        states.Enqueue(text);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }, CancellationToken.None);
        await app.StartAsync(cancellationToken);
        return (app, notifications, states);
    }
}
