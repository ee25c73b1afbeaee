using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// Adds a Cloudflare Tunnel that gives a resource's HTTP endpoint a public HTTPS URL, and hands that URL to the
/// resources that need to know it. Development-time only: the tunnel is excluded from the publishing manifest.
/// </summary>
/// <remarks>
/// One class in several files, one concern each: adding the resource (this file); how cloudflared runs, as a container,
/// an executable or not at all (<c>.Runner.cs</c>); quick versus named tunnels (<c>.NamedTunnel.cs</c>); the health check
/// through the public URL (<c>.Health.cs</c>); and handing the public URL to the resources that need it (<c>.PublicUrl.cs</c>).
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
    /// Adds a quick Cloudflare Tunnel; give it a target with <see cref="WithTarget"/>. How cloudflared runs is decided
    /// here: the container when a container runtime answers (or <c>ContainerRuntime</c> says <c>docker</c>), else the
    /// <c>cloudflared</c> executable, else a placeholder resource whose warning says what to install.
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
        Action<CloudflareTunnelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        var options = ReadOptions(builder, configure);
        // Publishing deploys no tunnel: probe nothing and put no container in front of a publisher.
        var (runner, command, reason) = builder.ExecutionContext.IsPublishMode
            ? (CloudflareTunnelRunner.None, null, "The tunnel is a development-time resource; it is not published.")
            : DecideRunner(options, builder.AppHostDirectory);
        var tunnel = new CloudflareTunnel(name, runner, reason) { Options = options };

        var resourceBuilder = builder.AddRunnerResource(tunnel, command);
        resourceBuilder.ExcludeFromManifest();
        if (runner == CloudflareTunnelRunner.None)
        {
            return resourceBuilder.WithLeftOutWarning();
        }

        return resourceBuilder
            .WithArgs(context => AddCloudflaredArguments(tunnel, context))
            .WithPublicUrlWatcher()
            .WithReachableThroughTunnelHealthCheck();
    }
}
