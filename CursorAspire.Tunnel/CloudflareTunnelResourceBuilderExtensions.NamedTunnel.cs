using System.Globalization;
using CursorAspire.Tunnel.PublicUrl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

// Quick tunnel versus named tunnel: what cloudflared is told to run, and where the public URL comes from.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>Sets the HTTP endpoint the tunnel exposes (cloudflared's <c>--url</c> for a quick tunnel).</summary>
    /// <param name="builder">The tunnel.</param>
    /// <param name="target">The HTTP endpoint to expose, e.g. <c>proxy.GetEndpoint("http")</c>.</param>
    /// <returns>The tunnel's resource builder.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> WithTarget(this IResourceBuilder<ICloudflareTunnelResource> builder, EndpointReference target)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(target);
        if (ReferenceEquals(target.Resource, builder.Resource))
        {
            throw new ArgumentException($"Tunnel '{builder.Resource.Name}' cannot target its own endpoint.", nameof(target));
        }

        builder.Resource.Tunnel.Target = target;
        return builder;
    }

    /// <summary>
    /// Makes this a named tunnel: <c>cloudflared tunnel run</c> with the token of a tunnel created in the Cloudflare
    /// dashboard, whose public hostname routes to the target. The URL is <c>https://<paramref name="hostname"/></c>
    /// from the start and stays the same across restarts.
    /// </summary>
    /// <param name="builder">The tunnel.</param>
    /// <param name="token">A secret parameter holding the tunnel token; it reaches cloudflared as <c>TUNNEL_TOKEN</c>, never on the command line.</param>
    /// <param name="hostname">The public hostname configured for the tunnel, e.g. <c>cursor.example.com</c>.</param>
    /// <returns>The tunnel's resource builder.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> WithNamedTunnel(
        this IResourceBuilder<ICloudflareTunnelResource> builder,
        IResourceBuilder<ParameterResource> token,
        string hostname)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(token);
        ArgumentException.ThrowIfNullOrWhiteSpace(hostname);
        if (!token.Resource.Secret)
        {
            throw new ArgumentException($"The tunnel token parameter '{token.Resource.Name}' must be secret: AddParameter(\"{token.Resource.Name}\", secret: true).", nameof(token));
        }

        if (Uri.CheckHostName(hostname) != UriHostNameType.Dns || !hostname.Contains('.'))
        {
            throw new ArgumentException($"'{hostname}' is not a public hostname; give the bare name, e.g. cursor.example.com (no scheme, no path).", nameof(hostname));
        }

        var tunnel = builder.Resource.Tunnel;
        tunnel.NamedTunnelHostname = hostname.ToLowerInvariant();
        tunnel.NamedTunnelToken = token.Resource;
        var publicUrl = new Uri("https://" + tunnel.NamedTunnelHostname);
        tunnel.SetPublicUrl(publicUrl);
        CloudflareTunnelUrlWatcher.ShowOnResource(builder.Resource, publicUrl);
        if (tunnel.Runner != CloudflareTunnelRunner.None)
        {
            builder.WithEnvironment("TUNNEL_TOKEN", token).PublishNamedTunnel();
            builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (e, _) =>
            {
                LogDashboardOrigin(tunnel, e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(e.Resource));
                return Task.CompletedTask;
            });
        }

        return builder;
    }

    /// <summary>
    /// The origin a named tunnel's public hostname must route to in Cloudflare's dashboard (the remote configuration
    /// cloudflared receives overrides anything given locally): <c>http://localhost:port</c> for the executable,
    /// <c>http://host.docker.internal:port</c> for a Docker Desktop container; <see langword="null"/> for a container
    /// that cannot reach the host's loopback (Docker Engine on Linux, Podman), where no address works.
    /// </summary>
    internal static string? DashboardOrigin(CloudflareTunnel tunnel, int port) => tunnel.Runner switch
    {
        CloudflareTunnelRunner.Executable => $"http://localhost:{port.ToString(CultureInfo.InvariantCulture)}",
        CloudflareTunnelRunner.Container when ContainerReachesHostLoopback(tunnel.ContainerRuntime, tunnel.Options.Platform) =>
            $"http://host.docker.internal:{port.ToString(CultureInfo.InvariantCulture)}",
        _ => null,
    };

    private static void LogDashboardOrigin(CloudflareTunnel tunnel, ILogger logger)
    {
        if (tunnel.Target is not { } target)
        {
            return;
        }

        var port = target.Port;
        if (DashboardOrigin(tunnel, port) is { } origin)
        {
            logger.LogInformation(
                "Named tunnel {Hostname}: in Cloudflare's dashboard its public hostname must route to {Origin} (service type HTTP, URL {HostPort}).",
                tunnel.NamedTunnelHostname, origin, origin["http://".Length..]);
        }
        else
        {
            logger.LogWarning(
                "Named tunnel {Hostname} runs as a {Runtime} container ({Section}:ContainerRuntime={Setting}), which cannot reach the proxy on this "
                + "machine's localhost:{Port}; the origin set in Cloudflare's dashboard must be an address the container reaches. Leave "
                + "{Section}:ContainerRuntime unset (or none) to run cloudflared as a local process, with origin http://localhost:{Port}.",
                tunnel.NamedTunnelHostname, tunnel.ContainerRuntime, CloudflareTunnelOptions.ConfigurationSection, tunnel.Options.ContainerRuntime, port,
                CloudflareTunnelOptions.ConfigurationSection, port);
        }
    }

    private static void AddCloudflaredArguments(CloudflareTunnel tunnel, CommandLineArgsCallbackContext context)
    {
        context.Args.Add("tunnel");
        context.Args.Add("--no-autoupdate");
        if (tunnel.IsNamedTunnel)
        {
            // The token travels in TUNNEL_TOKEN, so it never shows in the process list.
            context.Args.Add("run");
            return;
        }

        var target = tunnel.Target ?? throw new DistributedApplicationException(
            $"Tunnel '{tunnel.ResourceName}' has no target: call WithTarget(resource.GetEndpoint(\"http\")).");
        context.Args.Add("--url");
        context.Args.Add(target.Property(EndpointProperty.Url));
    }
}
