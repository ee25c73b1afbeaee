using CursorAspire.Tunnel;
using CursorAspire.Tunnel.Install;
using CursorAspire.Tunnel.Machine;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>How the AppHost puts the proxy on a public URL; nothing runs.</summary>
public sealed class TunnelModelTests
{
    [Fact]
    public async Task WithoutAFixedUrlACloudflaredQuickTunnelFrontsTheProxysHttpEndpoint()
    {
        using var fakes = new FakeExecutables();
        var cloudflared = fakes.Create("cloudflared");
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, $"--CloudflareTunnel:CloudflaredPath={cloudflared}"]);

        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Equal(cloudflared, tunnel.Command);
        var args = await tunnel.RawArgumentsAsync();
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], args.Take(3).Select(a => a.ToString()));
        var target = Assert.IsAssignableFrom<IManifestExpressionProvider>(args[3]);
        Assert.Equal("{proxy.bindings.http.url}", target.ValueExpression);
        Assert.False(tunnel.Tunnel.IsNamedTunnel);
    }

    [Fact]
    public async Task ProcessModeDecisionIsPassedOnSoTheTunnelNeverAddsAContainer()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--CloudflareTunnel:CloudflaredPath=/nonexistent/cloudflared"]);

        // No container runtime and no cloudflared: left out with a reason, and no container in the model.
        var tunnel = Assert.IsType<CloudflareTunnelUnavailableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Contains("cloudflared", tunnel.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.DoesNotContain(builder.Resources, r => r.Annotations.OfType<ContainerImageAnnotation>().Any());
    }

    [Fact]
    public async Task ANamedTunnelTakesItsTokenAsASecretParameterAndKnowsItsUrlUpFront()
    {
        using var fakes = new FakeExecutables();
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, $"--CloudflareTunnel:CloudflaredPath={fakes.Create("cloudflared")}",
             "--CloudflareTunnel:Hostname=cursor.example.com", "--Parameters:cloudflare-tunnel-token=eyJ-test-token"]);

        Assert.True(builder.Resource<ParameterResource>("cloudflare-tunnel-token").Secret);
        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.True(tunnel.Tunnel.IsNamedTunnel);
        Assert.Equal(new Uri("https://cursor.example.com"), tunnel.Tunnel.PublicUrl);
        Assert.DoesNotContain("eyJ-test-token", string.Join(' ', await tunnel.RawArgumentsAsync())); // the token travels in TUNNEL_TOKEN
        var proxyEnv = await builder.Resource<ProjectResource>("proxy").RunEnvironmentAsync();
        Assert.Equal("https://cursor.example.com", proxyEnv["Proxy__PublicBaseUrl"].ToString());
    }

    [Fact]
    public async Task OnlyTheDotNetSdk_TheTunnelDownloadsThePinnedCloudflaredOnFirstRun()
    {
        using var installDirectory = new FakeExecutables(); // an empty, private folder
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, "--CloudflareTunnel:CloudflaredPath=cloudflared-not-on-any-path", $"--CloudflareTunnel:InstallDirectory={installDirectory.Directory}"]);

        // No Docker, no redis-server, no Ollama, no cloudflared: the tunnel is still there, waiting for its download.
        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        var download = tunnel.Tunnel.Download;
        Assert.NotNull(download);
        Assert.Equal(PinnedVersions.Cloudflared, download.Version);
        Assert.Equal(CloudflaredRelease.AssetFor(MachinePlatform.Current), download.AssetName);
        Assert.Equal(new Uri(CloudflaredRelease.DefaultReleasesUrl), download.ReleasesUrl);
        Assert.Equal(Path.Combine(installDirectory.Directory, PinnedVersions.Cloudflared, CloudflaredRelease.ExecutableName(MachinePlatform.Current)), tunnel.Command);
        Assert.Contains(tunnel.Annotations, a => a is ExplicitStartupAnnotation); // started once the binary is there
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], (await tunnel.RawArgumentsAsync()).Take(3).Select(a => a.ToString()));
    }

    [Fact]
    public async Task AutoInstallFalse_WithoutCloudflaredTheTunnelIsUnavailableAndSaysWhy()
    {
        await using var builder = await AppHostModel.CreateAsync(
            [.. AppHostModel.NoLocalServices, "--CloudflareTunnel:CloudflaredPath=cloudflared-not-on-any-path", "--CloudflareTunnel:AutoInstall=false"]);

        var tunnel = Assert.IsType<CloudflareTunnelUnavailableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Contains("CloudflareTunnel:AutoInstall=false", tunnel.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.Null(tunnel.Tunnel.Download);
    }

    [Fact]
    public async Task ExplicitTunnelContainerRuntimeNoneWinsOverTheAppHostsContainerPlan()
    {
        using var fakes = new FakeExecutables();
        var cloudflared = fakes.Create("cloudflared");
        await using var builder = await AppHostModel.ContainerModeAsync("--CloudflareTunnel:ContainerRuntime=none", $"--CloudflareTunnel:CloudflaredPath={cloudflared}");

        // The cache and Ollama are containers (the plan); the tunnel is the executable, as its own setting says.
        Assert.IsType<RedisResource>(builder.Resource<IResource>("cache"));
        var tunnel = Assert.IsType<CloudflareTunnelExecutableResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        Assert.Equal(cloudflared, tunnel.Command);
    }

    [Fact]
    public async Task ExplicitTunnelContainerRuntimeDockerWinsOverTheAppHostsProcessPlan()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--CloudflareTunnel:ContainerRuntime=docker"]);

        Assert.IsType<CloudflareTunnelContainerResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public async Task AQuickTunnelRunsAsTheContainerWhenTheOtherServicesDo(string runtime)
    {
        await using var builder = await AppHostModel.CreateAsync($"--AppHost:ContainerRuntime={runtime}");

        var tunnel = Assert.IsType<CloudflareTunnelContainerResource>(builder.Resource<ICloudflareTunnelResource>("tunnel"));
        // A quick tunnel's --url is an endpoint reference: Aspire's container tunnel makes it reachable from the container.
        Assert.IsAssignableFrom<IManifestExpressionProvider>((await tunnel.RawArgumentsAsync())[3]);
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("podman")]
    public async Task ANamedTunnelRunsTheContainerOnlyWhereTheContainerReachesTheProxyOnLocalhost(string runtime)
    {
        using var fakes = new FakeExecutables();
        var cloudflared = fakes.Create("cloudflared");
        await using var builder = await AppHostModel.CreateAsync(
            $"--AppHost:ContainerRuntime={runtime}", $"--CloudflareTunnel:CloudflaredPath={cloudflared}",
            "--CloudflareTunnel:Hostname=cursor.example.com", "--Parameters:cloudflare-tunnel-token=eyJ-test-token");

        var tunnel = builder.Resource<ICloudflareTunnelResource>("tunnel");
        Assert.True(tunnel.Tunnel.IsNamedTunnel);
        // Docker Desktop (macOS, Windows) forwards host.docker.internal to the host's loopback; Docker Engine on Linux and Podman do not.
        if (runtime == "docker" && !MachinePlatform.Current.IsLinux)
        {
            Assert.IsType<CloudflareTunnelContainerResource>(tunnel);
        }
        else
        {
            Assert.Equal(cloudflared, Assert.IsType<CloudflareTunnelExecutableResource>(tunnel).Command);
        }
    }

    [Fact]
    public async Task AFixedPublicUrlNeedsNoTunnel()
    {
        await using var builder = await AppHostModel.CreateAsync([.. AppHostModel.NoLocalServices, "--AppHost:PublicBaseUrl=https://cursor.example.com"]);

        Assert.DoesNotContain(builder.Resources, r => r is ICloudflareTunnelResource);
    }
}
