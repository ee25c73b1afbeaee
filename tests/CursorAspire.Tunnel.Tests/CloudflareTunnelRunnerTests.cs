using System.Runtime.InteropServices;
using CursorAspire.Tunnel.Tests.Install;

namespace CursorAspire.Tunnel.Tests;

// Over 300 lines because it is one decision table (operating system, container runtime, quick or named tunnel,
// download) over one fake machine, each row a test.

/// <summary>
/// How cloudflared runs on each operating system and container runtime, for quick and named tunnels, and when it is
/// downloaded on first run; nothing runs (the platform is given, so every OS is covered on one machine).
/// </summary>
public sealed class CloudflareTunnelRunnerTests : IDisposable
{
    private const string NotOnPath = "cloudflared-not-on-any-path";
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("cursoraspire-cloudflared-cache-");

    public void Dispose() => _cache.Delete(recursive: true);

    private static (IDistributedApplicationTestingBuilder Builder, EndpointReference Target) NewModel()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var target = builder.AddExecutable("proxy", ModelInspection.StandInPath, AppContext.BaseDirectory, "origin").WithHttpEndpoint(env: "PORT");
        return (builder, target.GetEndpoint("http"));
    }

    private static IResourceBuilder<ICloudflareTunnelResource> AddTunnel(
        IDistributedApplicationTestingBuilder builder, EndpointReference target, bool named, Action<CloudflareTunnelOptions> configure) =>
        named
            ? builder.AddCloudflareNamedTunnel("tunnel", target, builder.AddParameter("token", secret: true), "cursor.example.com", configure)
            : builder.AddCloudflareTunnel("tunnel", target, configure);

    /// <summary>A machine without containers and without cloudflared on PATH, whose downloads are kept in the test's cache.</summary>
    private void WithoutCloudflaredOrContainers(CloudflareTunnelOptions options)
    {
        options.ContainerRuntime = "none";
        options.CloudflaredPath = NotOnPath;
        options.InstallDirectory = _cache.FullName;
    }

    /// <summary>What an earlier first run left in the cache: the verified binary at its place.</summary>
    private string KeepADownloadedCloudflared()
    {
        var kept = Path.Combine(_cache.FullName, PinnedVersions.Cloudflared, CloudflaredRelease.ExecutableName(MachinePlatform.Current));
        Directory.CreateDirectory(Path.GetDirectoryName(kept)!);
        File.Copy(ModelInspection.StandInPath, kept);
        return kept;
    }

    /// <summary>The container runtime a probe (the AppHost's plan) found; the tunnel must not probe again.</summary>
    private static ContainerRuntimeProbeResult Found(string runtime) => new(true, runtime, $"container runtime '{runtime}' answered");

    public static TheoryData<string, string, bool, Type> RuntimeChoices => new()
    {
        // os, runtime, named → resource
        { "linux", "docker", false, typeof(CloudflareTunnelContainerResource) },
        { "linux", "podman", false, typeof(CloudflareTunnelContainerResource) },
        { "osx", "docker", false, typeof(CloudflareTunnelContainerResource) },
        { "windows", "podman", false, typeof(CloudflareTunnelContainerResource) },
        // A named tunnel's origin is resolved by cloudflared: only Docker Desktop's containers reach the host's localhost.
        { "linux", "docker", true, typeof(CloudflareTunnelExecutableResource) },
        { "linux", "podman", true, typeof(CloudflareTunnelExecutableResource) },
        { "osx", "podman", true, typeof(CloudflareTunnelExecutableResource) },
        { "windows", "podman", true, typeof(CloudflareTunnelExecutableResource) },
        { "osx", "docker", true, typeof(CloudflareTunnelContainerResource) },
        { "windows", "docker", true, typeof(CloudflareTunnelContainerResource) },
    };

    [Theory]
    [MemberData(nameof(RuntimeChoices))]
    public void EachOperatingSystemAndRuntimeRunsQuickAndNamedTunnelsWhereTheyReachTheProxy(string os, string runtime, bool named, Type expected)
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named, o =>
        {
            o.Platform = CloudflaredReleaseTests.Platform(os);
            o.KnownContainerRuntime = Found(runtime);
            o.ContainerRuntimeProbes = [new("docker-that-must-not-be-asked", [])];
            o.CloudflaredPath = ModelInspection.StandInPath;
        });

        Assert.IsType(expected, tunnel.Resource);
        if (tunnel.Resource is CloudflareTunnelExecutableResource executable)
        {
            Assert.Equal(ModelInspection.StandInPath, executable.Command);
        }
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public void AnExplicitContainerRuntimeWinsEvenForANamedTunnelOnLinux(string setting)
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: true, o =>
        {
            o.Platform = CloudflaredReleaseTests.Platform("linux");
            o.ContainerRuntime = setting;
            o.KnownContainerRuntime = new ContainerRuntimeProbeResult(false, null, "AppHost:ContainerRuntime=none");
            o.CloudflaredPath = ModelInspection.StandInPath;
        });

        var container = Assert.IsType<CloudflareTunnelContainerResource>(tunnel.Resource);
        Assert.Null(CloudflareTunnelResourceBuilderExtensions.DashboardOrigin(container.Tunnel, 5190)); // no host loopback address works
    }

    [Fact]
    public void AnExplicitNoneWinsOverAContainerRuntimeThatAnswered()
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: false, o =>
        {
            o.ContainerRuntime = "none";
            o.KnownContainerRuntime = Found("docker");
            o.CloudflaredPath = ModelInspection.StandInPath;
        });

        Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
    }

    [Fact]
    public void AKnownProbeResultIsUsedInsteadOfProbingAgain()
    {
        var (builder, target) = NewModel();
        var probed = Path.Combine(_cache.FullName, "probed");

        var tunnel = AddTunnel(builder, target, named: false, o =>
        {
            o.KnownContainerRuntime = new ContainerRuntimeProbeResult(false, null, "AppHost:ContainerRuntime=none");
            o.ContainerRuntimeProbes = [new("sh", ["-c", $"touch {probed}"])];
            o.CloudflaredPath = ModelInspection.StandInPath;
        });

        Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
        Assert.False(File.Exists(probed));
    }

    [Theory]
    [InlineData("linux", Architecture.X64, "cloudflared-linux-amd64", "cloudflared")]
    [InlineData("linux", Architecture.Arm64, "cloudflared-linux-arm64", "cloudflared")]
    [InlineData("osx", Architecture.Arm64, "cloudflared-darwin-arm64.tgz", "cloudflared")]
    [InlineData("windows", Architecture.X64, "cloudflared-windows-amd64.exe", "cloudflared.exe")]
    public async Task WithNeitherRuntimeNorCloudflaredThePinnedReleaseIsDownloadedBeforeTheFirstStart(string os, Architecture architecture, string asset, string executable)
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: false, o =>
        {
            o.Platform = CloudflaredReleaseTests.Platform(os, architecture);
            o.ContainerRuntimeProbes = [new("docker-that-is-not-installed-here", ["info"])];
            o.CloudflaredPath = NotOnPath;
            o.InstallDirectory = _cache.FullName;
            o.ReleasesUrl = "http://127.0.0.1:9/repos/cloudflare/cloudflared/releases";
        });

        var resource = Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
        var download = resource.Tunnel.Download;
        Assert.NotNull(download);
        Assert.Equal((PinnedVersions.Cloudflared, asset), (download.Version, download.AssetName));
        Assert.Equal(new Uri($"http://127.0.0.1:9/repos/cloudflare/cloudflared/releases/tags/{PinnedVersions.Cloudflared}"), download.ReleaseUrl);
        Assert.Equal(Path.Combine(_cache.FullName, PinnedVersions.Cloudflared, executable), resource.Command);
        Assert.Single(resource.Annotations.OfType<ExplicitStartupAnnotation>()); // started once the download is verified
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], (await ModelInspection.GetRawArgumentsAsync(resource)).Take(3));
        Assert.Empty(Directory.GetFileSystemEntries(_cache.FullName)); // building the model downloads nothing
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public void ANamedTunnelOnLinuxWithoutCloudflaredDownloadsItRatherThanRunAContainerThatCannotReachTheProxy(string runtime)
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: true, o =>
        {
            WithoutCloudflaredOrContainers(o);
            o.ContainerRuntime = "auto";
            o.KnownContainerRuntime = Found(runtime);
            o.Platform = CloudflaredReleaseTests.Platform("linux");
        });

        var executable = Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
        Assert.Equal("cloudflared-linux-amd64", executable.Tunnel.Download?.AssetName);
        Assert.Equal("http://localhost:5190", CloudflareTunnelResourceBuilderExtensions.DashboardOrigin(executable.Tunnel, 5190));
    }

    [Fact]
    public void ABinaryDownloadedOnAnEarlierRunIsReusedWithoutTheNetwork()
    {
        var (builder, target) = NewModel();
        var kept = KeepADownloadedCloudflared();

        var tunnel = AddTunnel(builder, target, named: false, WithoutCloudflaredOrContainers);

        var resource = Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
        Assert.Equal(kept, resource.Command);
        Assert.Null(resource.Tunnel.Download);
        Assert.Empty(resource.Annotations.OfType<ExplicitStartupAnnotation>());
    }

    [Fact]
    public void AutoInstallFalseLeavesTheTunnelOutAndIgnoresEarlierDownloads()
    {
        var (builder, target) = NewModel();
        builder.Configuration["CloudflareTunnel:AutoInstall"] = "false";
        KeepADownloadedCloudflared();

        var tunnel = AddTunnel(builder, target, named: false, WithoutCloudflaredOrContainers);

        var unavailable = Assert.IsType<CloudflareTunnelUnavailableResource>(tunnel.Resource);
        Assert.Contains("downloading it is switched off (CloudflareTunnel:AutoInstall=false)", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("Install cloudflared", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void AConfiguredPathThatDoesNotExistIsReportedNotReplacedByADownload()
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: false, o =>
        {
            o.ContainerRuntime = "none";
            o.CloudflaredPath = Path.Combine(_cache.FullName, "missing", "cloudflared");
            o.InstallDirectory = _cache.FullName;
        });

        var unavailable = Assert.IsType<CloudflareTunnelUnavailableResource>(tunnel.Resource);
        Assert.Null(unavailable.Tunnel.Download);
        Assert.Contains("missing", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void APlatformCloudflaredPublishesNothingForIsLeftOutSayingSo()
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: false, o =>
        {
            o.Platform = CloudflaredReleaseTests.Platform("freebsd");
            o.ContainerRuntime = "none";
            o.CloudflaredPath = NotOnPath;
        });

        var unavailable = Assert.IsType<CloudflareTunnelUnavailableResource>(tunnel.Resource);
        Assert.Contains("cloudflared publishes no binary for freebsd/x64", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDownloadSettingsAreReadFromTheConfigurationSection()
    {
        var (builder, target) = NewModel();
        builder.Configuration["CloudflareTunnel:ContainerRuntime"] = "none";
        builder.Configuration["CloudflareTunnel:CloudflaredPath"] = NotOnPath;
        builder.Configuration["CloudflareTunnel:InstallDirectory"] = _cache.FullName;
        builder.Configuration["CloudflareTunnel:ReleasesUrl"] = "http://127.0.0.1:9/releases";
        builder.Configuration["CloudflareTunnel:AutoInstall"] = "true";

        var tunnel = builder.AddCloudflareTunnel("tunnel", target);

        var download = tunnel.Resource.Tunnel.Download;
        Assert.NotNull(download);
        Assert.Equal(new Uri("http://127.0.0.1:9/releases"), download.ReleasesUrl);
        Assert.StartsWith(_cache.FullName, download.ExecutablePath, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CloudflareTunnel:AutoInstall", "sometimes", "expected true or false")]
    [InlineData("CloudflareTunnel:ReleasesUrl", "ftp://example.com/releases", "expected an http(s) URL")]
    public void AMalformedDownloadSettingFailsNamingTheKey(string key, string value, string expected)
    {
        var (builder, target) = NewModel();
        builder.Configuration["CloudflareTunnel:ContainerRuntime"] = "none";
        builder.Configuration["CloudflareTunnel:CloudflaredPath"] = NotOnPath;
        builder.Configuration[key] = value;

        var error = Assert.Throws<DistributedApplicationException>(() => builder.AddCloudflareTunnel("tunnel", target));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("linux", "none", "http://localhost:5190")]
    [InlineData("osx", "none", "http://localhost:5190")]
    [InlineData("windows", "none", "http://localhost:5190")]
    [InlineData("osx", "docker", "http://host.docker.internal:5190")]
    [InlineData("windows", "docker", "http://host.docker.internal:5190")]
    [InlineData("linux", "docker", null)]
    [InlineData("osx", "podman", null)]
    public void TheOriginToSetInCloudflaresDashboardFollowsHowCloudflaredRuns(string os, string setting, string? origin)
    {
        var (builder, target) = NewModel();

        var tunnel = AddTunnel(builder, target, named: true, o =>
        {
            o.Platform = CloudflaredReleaseTests.Platform(os);
            o.ContainerRuntime = setting;
            o.CloudflaredPath = ModelInspection.StandInPath;
        });

        Assert.Equal(origin, CloudflareTunnelResourceBuilderExtensions.DashboardOrigin(tunnel.Resource.Tunnel, 5190));
    }
}
