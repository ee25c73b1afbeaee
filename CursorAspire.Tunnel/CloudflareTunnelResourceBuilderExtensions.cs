namespace Aspire.Hosting;

/// <summary>
/// Adds a Cloudflare Tunnel that gives a resource's HTTP endpoint a public HTTPS URL, and hands that URL to the
/// resources that need to know it. Published, a named tunnel is the cloudflared container (its token a secret parameter);
/// a quick tunnel is development-time only and is never published.
/// </summary>
/// <remarks>
/// One class in several files, one concern each: adding the resource (this file); how cloudflared runs, as a container,
/// an executable or not at all (<c>.Runner.cs</c>); downloading cloudflared on first run when nothing else can run it
/// (<c>.Install.cs</c>); quick versus named tunnels (<c>.NamedTunnel.cs</c>); the health check through the public URL
/// and the watchdog that heals it (<c>.Health.cs</c>); handing the public URL to the resources that need it
/// (<c>.PublicUrl.cs</c>); and what is published (<c>.Publish.cs</c>).
/// </remarks>
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>
    /// Adds a quick Cloudflare Tunnel (no account; a new <c>https://&lt;words&gt;.trycloudflare.com</c> URL on every start)
    /// in front of <paramref name="target"/>. Call <see cref="WithNamedTunnel"/> for a stable hostname.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="target">The HTTP endpoint to expose, e.g. <c>proxy.GetEndpoint("http")</c>.</param>
    /// <param name="configure">Changes the <see cref="CloudflareTunnelOptions"/> read from configuration.</param>
    /// <returns>The tunnel's resource builder, whichever way cloudflared runs.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> AddCloudflareTunnel(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        EndpointReference target,
        Action<CloudflareTunnelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return builder.AddCloudflareTunnel(name, configure).WithTarget(target);
    }

    /// <summary>
    /// Adds a named Cloudflare Tunnel (<see cref="WithNamedTunnel"/>: a stable hostname on your own domain) in front of
    /// <paramref name="target"/>. Knowing it is named while deciding how cloudflared runs matters: the origin set in
    /// Cloudflare's dashboard is resolved by cloudflared, and a container on Linux (Docker Engine) or on Podman cannot reach
    /// the proxy on the host's <c>localhost</c>, so there the tunnel runs the <c>cloudflared</c> executable instead
    /// (found, or downloaded on first run) unless <c>ContainerRuntime</c> is set explicitly.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="target">The HTTP endpoint the tunnel's public hostname routes to.</param>
    /// <param name="token">A secret parameter holding the tunnel token.</param>
    /// <param name="hostname">The public hostname configured for the tunnel, e.g. <c>cursor.example.com</c>.</param>
    /// <param name="configure">Changes the <see cref="CloudflareTunnelOptions"/> read from configuration.</param>
    /// <returns>The tunnel's resource builder, whichever way cloudflared runs.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> AddCloudflareNamedTunnel(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        EndpointReference target,
        IResourceBuilder<ParameterResource> token,
        string hostname,
        Action<CloudflareTunnelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        return builder.AddCloudflareTunnelCore(name, namedTunnel: true, configure).WithTarget(target).WithNamedTunnel(token, hostname);
    }

    /// <summary>
    /// Adds a quick Cloudflare Tunnel; give it a target with <see cref="WithTarget"/>. How cloudflared runs is decided
    /// here: the container when a container runtime answers (or <c>ContainerRuntime</c> says <c>docker</c>), else the
    /// <c>cloudflared</c> executable, else (first run) the pinned cloudflared release, downloaded and verified, else a
    /// placeholder resource whose warning says what to install.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="configure">Changes the <see cref="CloudflareTunnelOptions"/> read from configuration.</param>
    /// <returns>
    /// The tunnel's resource builder: a <see cref="CloudflareTunnelContainerResource"/>, a
    /// <see cref="CloudflareTunnelExecutableResource"/> or a <see cref="CloudflareTunnelUnavailableResource"/>.
    /// </returns>
    public static IResourceBuilder<ICloudflareTunnelResource> AddCloudflareTunnel(
        this IDistributedApplicationBuilder builder,
        [ResourceName] string name,
        Action<CloudflareTunnelOptions>? configure = null) =>
        builder.AddCloudflareTunnelCore(name, namedTunnel: false, configure);

    private static IResourceBuilder<ICloudflareTunnelResource> AddCloudflareTunnelCore(
        this IDistributedApplicationBuilder builder, string name, bool namedTunnel, Action<CloudflareTunnelOptions>? configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var options = ReadOptions(builder, configure);
        // Publishing is the container model, whatever this machine has: probe nothing (only a named tunnel is published).
        var decision = builder.ExecutionContext.IsPublishMode
            ? PublishingDecision
            : DecideRunner(options, builder.AppHostDirectory, namedTunnel);
        var tunnel = new CloudflareTunnel(name, decision.Runner, decision.Reason)
        {
            Options = options,
            Download = decision.Download,
            ContainerRuntime = decision.ContainerRuntime,
        };

        var resourceBuilder = builder.AddRunnerResource(tunnel, decision.Command);
        resourceBuilder.ExcludeFromManifest();
        if (decision.Runner == CloudflareTunnelRunner.None)
        {
            return resourceBuilder.WithLeftOutWarning();
        }

        if (decision.Download is { } download)
        {
            resourceBuilder.WithDownloadBeforeFirstStart(download, decision.ReasonIfDownloadFails!);
        }

        return resourceBuilder
            .WithArgs(context => AddCloudflaredArguments(tunnel, context))
            .WithPublicUrlWatcher()
            .WithReachableThroughTunnelHealthCheck()
            .WithWatchdog();
    }
}
