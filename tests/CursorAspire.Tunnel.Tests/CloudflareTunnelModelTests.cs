namespace CursorAspire.Tunnel.Tests;

/// <summary>What AddCloudflareTunnel puts in the application model: which resource, which command line, which environment.</summary>
public sealed class CloudflareTunnelModelTests
{
    private static readonly ContainerRuntimeProbeCommand HealthyRuntime = new("true", []);
    private static readonly ContainerRuntimeProbeCommand MissingRuntime = new("docker-that-is-not-installed-here", ["info"]);

    private static (IDistributedApplicationTestingBuilder Builder, IResourceBuilder<ExecutableResource> Target) NewModel()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var target = builder.AddExecutable("proxy", ModelInspection.StandInPath, AppContext.BaseDirectory, "origin").WithHttpEndpoint(env: "PORT");
        return (builder, target);
    }

    [Fact]
    public async Task HealthyContainerRuntimeGivesThePinnedCloudflaredImageWithAQuickTunnelCommandLine()
    {
        var (builder, target) = NewModel();

        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntimeProbes = [MissingRuntime, HealthyRuntime]);

        var container = Assert.IsType<CloudflareTunnelContainerResource>(tunnel.Resource);
        Assert.Equal(CloudflareTunnelRunner.Container, container.Tunnel.Runner);
        var image = Assert.Single(container.Annotations.OfType<ContainerImageAnnotation>());
        Assert.Equal(("docker.io", "cloudflare/cloudflared", PinnedVersions.Cloudflared), (image.Registry, image.Image, image.Tag));
        var args = await ModelInspection.GetRawArgumentsAsync(container);
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], args.Take(3));
        var url = Assert.IsType<EndpointReferenceExpression>(args[3]);
        Assert.Same(target.Resource, url.Endpoint.Resource);
        Assert.Equal((EndpointProperty.Url, "http"), (url.Property, url.Endpoint.EndpointName));
        Assert.Equal(4, args.Count);
    }

    [Fact]
    public async Task WithoutAContainerRuntimeTheCloudflaredExecutableRunsWithTheSameCommandLine()
    {
        var (builder, target) = NewModel();

        var tunnel = builder.AddCloudflareTunnel("tunnel", o =>
        {
            o.ContainerRuntimeProbes = [MissingRuntime];
            o.CloudflaredPath = ModelInspection.StandInPath;
        }).WithTarget(target.GetEndpoint("http"));

        var executable = Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource);
        Assert.Equal(CloudflareTunnelRunner.Executable, executable.Tunnel.Runner);
        Assert.Equal(ModelInspection.StandInPath, executable.Command);
        Assert.Empty(executable.Annotations.OfType<ContainerImageAnnotation>());
        var args = await ModelInspection.GetRawArgumentsAsync(executable);
        Assert.Equal(["tunnel", "--no-autoupdate", "--url"], args.Take(3));
        Assert.Same(target.Resource, Assert.IsType<EndpointReferenceExpression>(args[3]).Endpoint.Resource);
    }

    [Fact]
    public void CloudflaredIsFoundOnPathByName()
    {
        var (builder, target) = NewModel();
        var directory = Path.GetDirectoryName(ModelInspection.StandInPath)!;
        var previousPath = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", directory + Path.PathSeparator + previousPath);

            var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o =>
            {
                o.ContainerRuntime = "none";
                o.CloudflaredPath = Path.GetFileName(ModelInspection.StandInPath);
            });

            Assert.Equal(ModelInspection.StandInPath, Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource).Command);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", previousPath);
        }
    }

    [Fact]
    public async Task WithNeitherRuntimeNorExecutableTheTunnelIsLeftOutWithAWarningState()
    {
        var (builder, target) = NewModel();

        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o =>
        {
            o.ContainerRuntimeProbes = [MissingRuntime];
            o.CloudflaredPath = "/nonexistent/cloudflared";
        });

        var unavailable = Assert.IsType<CloudflareTunnelUnavailableResource>(tunnel.Resource);
        Assert.Equal(CloudflareTunnelRunner.None, unavailable.Tunnel.Runner);
        Assert.Contains("cloudflared", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.Contains("no container runtime answered", unavailable.Tunnel.UnavailableReason, StringComparison.Ordinal);
        Assert.Empty(await ModelInspection.GetRawArgumentsAsync(unavailable));
        Assert.Empty(unavailable.Annotations.OfType<HealthCheckAnnotation>());
        var initial = Assert.Single(unavailable.Annotations.OfType<ResourceSnapshotAnnotation>()).InitialSnapshot;
        Assert.Equal("Unavailable", initial.State?.Text);
        Assert.Equal(KnownResourceStateStyles.Warn, initial.State?.Style);
    }

    [Fact]
    public void ContainerRuntimeNoneSkipsTheProbeAndDockerForcesTheContainer()
    {
        var (builder, target) = NewModel();
        // A probe that would say "healthy": "none" must not even ask it.
        var none = builder.AddCloudflareTunnel("t1", target.GetEndpoint("http"), o =>
        {
            o.ContainerRuntime = "none";
            o.ContainerRuntimeProbes = [HealthyRuntime];
            o.CloudflaredPath = ModelInspection.StandInPath;
        });
        var docker = builder.AddCloudflareTunnel("t2", target.GetEndpoint("http"), o =>
        {
            o.ContainerRuntime = "docker";
            o.ContainerRuntimeProbes = [MissingRuntime];
        });

        Assert.IsType<CloudflareTunnelExecutableResource>(none.Resource);
        Assert.IsType<CloudflareTunnelContainerResource>(docker.Resource);
    }

    [Fact]
    public void ConfigurationSectionChoosesTheRunnerAndTheCommand()
    {
        var (builder, target) = NewModel();
        builder.Configuration["CloudflareTunnel:ContainerRuntime"] = "none";
        builder.Configuration["CloudflareTunnel:CloudflaredPath"] = ModelInspection.StandInPath;

        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"));

        Assert.Equal(ModelInspection.StandInPath, Assert.IsType<CloudflareTunnelExecutableResource>(tunnel.Resource).Command);
    }

    [Fact]
    public void UnknownContainerRuntimeSettingFailsNamingTheKey()
    {
        var (builder, target) = NewModel();

        var error = Assert.Throws<DistributedApplicationException>(() =>
            builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntime = "kubernetes"));

        Assert.Contains("CloudflareTunnel:ContainerRuntime", error.Message, StringComparison.Ordinal);
        Assert.Contains("auto, docker or none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedTunnelRunsWithTheTokenInTheEnvironmentNeverOnTheCommandLine()
    {
        var (builder, target) = NewModel();
        var token = builder.AddParameter("cloudflare-tunnel-token", secret: true);

        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o =>
        {
            o.ContainerRuntime = "none";
            o.CloudflaredPath = ModelInspection.StandInPath;
        }).WithNamedTunnel(token, "Cursor.Example.com");

        Assert.Equal(["tunnel", "--no-autoupdate", "run"], await ModelInspection.GetRawArgumentsAsync(tunnel.Resource));
        var environment = await ModelInspection.GetRawEnvironmentAsync(tunnel.Resource);
        Assert.Same(token.Resource, environment["TUNNEL_TOKEN"]);
        Assert.True(tunnel.Resource.Tunnel.IsNamedTunnel);
        Assert.Equal(new Uri("https://cursor.example.com"), tunnel.Resource.Tunnel.PublicUrl);
        Assert.Equal(new Uri("https://cursor.example.com/v1"), tunnel.Resource.Tunnel.CursorBaseUrl);
        var urls = tunnel.Resource.Annotations.OfType<ResourceUrlAnnotation>().ToDictionary(u => u.DisplayText!, u => u.Url);
        Assert.Equal("https://cursor.example.com", urls["Public URL"]);
        Assert.Equal("https://cursor.example.com/v1", urls["Cursor: Override OpenAI Base URL"]);
    }

    [Fact]
    public void NamedTunnelRejectsAPlainTokenParameterAndAHostnameWithAScheme()
    {
        var (builder, target) = NewModel();
        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntime = "docker");

        var notSecret = Assert.Throws<ArgumentException>(() => tunnel.WithNamedTunnel(builder.AddParameter("plain"), "cursor.example.com"));
        var withScheme = Assert.Throws<ArgumentException>(() => tunnel.WithNamedTunnel(builder.AddParameter("secret", secret: true), "https://cursor.example.com"));

        Assert.Contains("must be secret", notSecret.Message, StringComparison.Ordinal);
        Assert.Contains("no scheme", withScheme.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DependentGetsThePublicUrlWithoutTrailingSlashInProxyPublicBaseUrl()
    {
        var (builder, target) = NewModel();
        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntime = "docker")
            .WithNamedTunnel(builder.AddParameter("token", secret: true), "cursor.example.com");

        target.WithTunnelPublicUrl(tunnel);

        var environment = await ModelInspection.GetRawEnvironmentAsync(target.Resource);
        Assert.Equal("https://cursor.example.com", environment["Proxy__PublicBaseUrl"]);
    }

    [Fact]
    public async Task DependentOfAQuickTunnelGetsNoVariableBeforeTheUrlIsKnown()
    {
        var (builder, target) = NewModel();
        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntime = "docker");

        target.WithTunnelPublicUrl(tunnel, "PUBLIC_URL");

        Assert.Null(tunnel.Resource.Tunnel.PublicUrl);
        Assert.False((await ModelInspection.GetRawEnvironmentAsync(target.Resource)).ContainsKey("PUBLIC_URL"));
    }

    [Fact]
    public async Task LeftOutNamedTunnelPassesNoUrlAndNoTokenAnywhere()
    {
        var (builder, target) = NewModel();
        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o =>
        {
            o.ContainerRuntime = "none";
            o.CloudflaredPath = "/nonexistent/cloudflared";
        }).WithNamedTunnel(builder.AddParameter("token", secret: true), "cursor.example.com");

        target.WithTunnelPublicUrl(tunnel);

        Assert.False((await ModelInspection.GetRawEnvironmentAsync(target.Resource)).ContainsKey("Proxy__PublicBaseUrl"));
        Assert.Empty(await ModelInspection.GetRawEnvironmentAsync(tunnel.Resource));
    }

    [Fact]
    public void AQuickTunnelIsDevelopmentOnlyAndHealthCheckedThroughThePublicUrl()
    {
        var (builder, target) = NewModel();

        var tunnel = builder.AddCloudflareTunnel("tunnel", target.GetEndpoint("http"), o => o.ContainerRuntime = "docker").WithTunnelHealthCheckPath("healthz");

        var manifest = Assert.Single(tunnel.Resource.Annotations.OfType<ManifestPublishingCallbackAnnotation>());
        Assert.Null(manifest.Callback); // ExcludeFromManifest
        Assert.Equal("tunnel_reachable_through_tunnel", Assert.Single(tunnel.Resource.Annotations.OfType<HealthCheckAnnotation>()).Key);
        Assert.Equal("/healthz", tunnel.Resource.Tunnel.HealthCheckPath);
    }

    [Fact]
    public async Task QuickTunnelWithoutATargetFailsAtStartNamingTheFix()
    {
        var (builder, _) = NewModel();
        var tunnel = builder.AddCloudflareTunnel("tunnel", o => o.ContainerRuntime = "docker");

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() => ModelInspection.GetRawArgumentsAsync(tunnel.Resource));

        Assert.Contains("WithTarget", error.Message, StringComparison.Ordinal);
    }
}
