using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel;

/// <summary>
/// Adds a Cloudflare Tunnel that gives a resource's HTTP endpoint a public HTTPS URL, and hands that URL to the
/// resources that need to know it. Development-time only: the tunnel is excluded from the publishing manifest.
/// </summary>
public static class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>The environment variable <see cref="WithTunnelPublicUrl{T}"/> sets unless told otherwise.</summary>
    public const string DefaultPublicUrlEnvironmentVariable = "Proxy__PublicBaseUrl";

    /// <summary>
    /// The named <see cref="HttpClient"/> the tunnel's health check uses to request its public URL. Configure it with
    /// <c>builder.Services.AddHttpClient(HealthCheckHttpClientName)</c> to add a proxy, or in tests to route the public
    /// hostname to a loopback stand-in.
    /// </summary>
    public const string HealthCheckHttpClientName = "CursorAspire.Tunnel.HealthCheck";

    private const string ResourceType = "CloudflareTunnel";

    /// <summary>
    /// Adds a quick Cloudflare Tunnel (no account; a new <c>https://&lt;words&gt;.trycloudflare.com</c> URL on every start)
    /// in front of <paramref name="target"/>. Call <see cref="WithNamedTunnel"/> for a stable hostname.
    /// </summary>
    /// <param name="builder">The AppHost builder.</param>
    /// <param name="name">The resource name.</param>
    /// <param name="target">The HTTP endpoint to expose, e.g. <c>proxy.GetEndpoint("http")</c>.</param>
    /// <param name="configure">Changes the <see cref="CloudflareTunnelOptions"/> read from configuration.</param>
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

        IResourceBuilder<ICloudflareTunnelResource> resourceBuilder = runner switch
        {
            CloudflareTunnelRunner.Container => builder.AddResource(new CloudflareTunnelContainerResource(name, tunnel))
                .WithImage(CloudflaredContainerImageTags.Image, options.ImageTag)
                .WithImageRegistry(CloudflaredContainerImageTags.Registry),
            CloudflareTunnelRunner.Executable => builder.AddResource(new CloudflareTunnelResource(name, command!, builder.AppHostDirectory, tunnel)),
            _ => builder.AddResource(new CloudflareTunnelUnavailableResource(name, tunnel))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = ResourceType,
                    State = new ResourceStateSnapshot("Unavailable", KnownResourceStateStyles.Warn),
                    Properties = [new ResourcePropertySnapshot("tunnel.unavailable", reason)],
                }),
        };

        resourceBuilder.ExcludeFromManifest();
        if (runner == CloudflareTunnelRunner.None)
        {
            builder.Eventing.Subscribe<InitializeResourceEvent>(resourceBuilder.Resource, (e, _) =>
            {
                // Shown twice on purpose: in the dashboard's console log for the resource and in the AppHost console.
                e.Logger.LogWarning("{Reason}", reason);
                e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.Tunnel").LogWarning("Tunnel '{Tunnel}' left out: {Reason}", name, reason);
                return Task.CompletedTask;
            });
            return resourceBuilder;
        }

        resourceBuilder.WithArgs(context => AddCloudflaredArguments(tunnel, context));
        builder.Eventing.Subscribe<BeforeResourceStartedEvent>(resourceBuilder.Resource, (e, _) =>
        {
            CloudflareTunnelUrlWatcher.EnsureStarted((ICloudflareTunnelResource)e.Resource, e.Services);
            return Task.CompletedTask;
        });

        var healthCheckKey = $"{name}_reachable_through_tunnel";
        // The check's own result says what failed; per-request client logs would repeat it every second in the console.
        builder.Services.AddHttpClient(CloudflareTunnelHealthCheck.HttpClientName).RemoveAllLoggers();
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey,
            sp => new CloudflareTunnelHealthCheck(tunnel, sp.GetRequiredService<IHttpClientFactory>(), sp.GetService<TimeProvider>() ?? TimeProvider.System),
            failureStatus: HealthStatus.Unhealthy,
            tags: null,
            timeout: TimeSpan.FromSeconds(30)));
        return resourceBuilder.WithHealthCheck(healthCheckKey);
    }

    /// <summary>Sets the HTTP endpoint the tunnel exposes (cloudflared's <c>--url</c> for a quick tunnel).</summary>
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
            builder.WithEnvironment("TUNNEL_TOKEN", token);
        }

        return builder;
    }

    /// <summary>Sets the path the health check requests through the tunnel (default <c>/health</c>).</summary>
    public static IResourceBuilder<ICloudflareTunnelResource> WithTunnelHealthCheckPath(this IResourceBuilder<ICloudflareTunnelResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.Tunnel.HealthCheckPath = path.StartsWith('/') ? path : "/" + path;
        return builder;
    }

    /// <summary>
    /// Gives this resource the tunnel's public URL (no trailing slash) in <paramref name="environmentVariable"/>.
    /// </summary>
    /// <remarks>
    /// A quick tunnel's URL is only known once cloudflared prints it, so this resource's start waits for it (up to
    /// <see cref="CloudflareTunnelOptions.PublicUrlWaitTimeout"/>, then starts without it). When the URL changes later
    /// (the tunnel restarted), this resource is restarted through Aspire's restart command so its environment carries the
    /// new URL, and the change is announced in the tunnel's log and the AppHost console. Do not make the tunnel
    /// <c>WaitFor</c> this resource: each would wait for the other.
    /// </remarks>
    public static IResourceBuilder<T> WithTunnelPublicUrl<T>(
        this IResourceBuilder<T> builder,
        IResourceBuilder<ICloudflareTunnelResource> tunnel,
        string environmentVariable = DefaultPublicUrlEnvironmentVariable)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tunnel);
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentVariable);

        var state = tunnel.Resource.Tunnel;
        var dependent = new CloudflareTunnelDependent(builder.Resource, environmentVariable);
        lock (state.Dependents)
        {
            state.Dependents.Add(dependent);
        }

        builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsPublishMode || state.Runner == CloudflareTunnelRunner.None)
            {
                return; // the tunnel is a development-time resource, and a left-out one has no working URL
            }

            var url = state.PublicUrl;
            dependent.RecordStart(url);
            if (url is not null)
            {
                context.EnvironmentVariables[environmentVariable] = CloudflareTunnelUrls.ToEnvironmentValue(url);
            }
        });

        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (e, ct) => WaitForFirstPublicUrlAsync(state, e, ct));
        return builder;
    }

    /// <summary>
    /// Holds a dependent's first start until the quick tunnel's URL is known, but no longer than the timeout, and not
    /// at all once cloudflared has said it cannot get a tunnel or has exited (offline machines must not wait).
    /// </summary>
    private static async Task WaitForFirstPublicUrlAsync(CloudflareTunnel tunnel, BeforeResourceStartedEvent e, CancellationToken cancellationToken)
    {
        if (tunnel.Runner == CloudflareTunnelRunner.None || tunnel.PublicUrl is not null)
        {
            return;
        }

        var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(e.Resource);
        var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
        var timeout = tunnel.Options.PublicUrlWaitTimeout;
        logger.LogInformation("Waiting up to {Seconds} s for tunnel '{Tunnel}' to print its public URL.", timeout.TotalSeconds, tunnel.ResourceName);

        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var url = tunnel.WaitForPublicUrlAsync(stopWaiting.Token);
        var ended = notifications.WaitForResourceAsync(
            tunnel.ResourceName, ev => KnownResourceStates.TerminalStates.Contains(ev.Snapshot.State?.Text), stopWaiting.Token);
        var timedOut = Task.Delay(timeout, e.Services.GetService<TimeProvider>() ?? TimeProvider.System, stopWaiting.Token);
        try
        {
            var first = await Task.WhenAny(url, tunnel.QuickTunnelFailed, ended, timedOut).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == url)
            {
                return;
            }

            var why = first == timedOut
                ? $"printed no public URL within {timeout.TotalSeconds} s"
                : $"could not open a tunnel ({tunnel.LastError ?? "cloudflared exited"})";
            logger.LogWarning("Tunnel '{Tunnel}' {Why}; starting without a public URL. This resource is restarted when a URL appears.", tunnel.ResourceName, why);
        }
        finally
        {
            await stopWaiting.CancelAsync().ConfigureAwait(false); // ends the waits that lost the race
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

    private static CloudflareTunnelOptions ReadOptions(IDistributedApplicationBuilder builder, Action<CloudflareTunnelOptions>? configure)
    {
        var section = builder.Configuration.GetSection(CloudflareTunnelOptions.ConfigurationSection);
        var options = new CloudflareTunnelOptions();
        options.ContainerRuntime = section[nameof(CloudflareTunnelOptions.ContainerRuntime)] ?? options.ContainerRuntime;
        options.CloudflaredPath = section[nameof(CloudflareTunnelOptions.CloudflaredPath)] ?? options.CloudflaredPath;
        options.ImageTag = section[nameof(CloudflareTunnelOptions.ImageTag)] ?? options.ImageTag;
        configure?.Invoke(options);
        return options;
    }

    internal static (CloudflareTunnelRunner Runner, string? Command, string? Reason) DecideRunner(CloudflareTunnelOptions options, string appHostDirectory)
    {
        var setting = options.ContainerRuntime.Trim().ToLowerInvariant();
        bool useContainer;
        string containerNote;
        switch (setting)
        {
            case "docker" or "podman":
                return (CloudflareTunnelRunner.Container, null, null);
            case "none":
                useContainer = false;
                containerNote = $"containers are switched off ({CloudflareTunnelOptions.ConfigurationSection}:ContainerRuntime=none)";
                break;
            case "auto" or "":
                var runtime = ContainerRuntimeProbe.FindHealthyRuntime(options.ContainerRuntimeProbes, options.ContainerRuntimeProbeTimeout);
                useContainer = runtime is not null;
                containerNote = $"no container runtime answered ({string.Join(" / ", options.ContainerRuntimeProbes.Select(p => p.Command + " info"))} within {options.ContainerRuntimeProbeTimeout.TotalSeconds:0.#} s)";
                break;
            default:
                throw new DistributedApplicationException(
                    $"{CloudflareTunnelOptions.ConfigurationSection}:ContainerRuntime is '{options.ContainerRuntime}'; use auto, docker or none.");
        }

        if (useContainer)
        {
            return (CloudflareTunnelRunner.Container, null, null);
        }

        var command = CloudflaredExecutableLocator.Find(options.CloudflaredPath, appHostDirectory);
        if (command is not null)
        {
            return (CloudflareTunnelRunner.Executable, command, null);
        }

        return (CloudflareTunnelRunner.None, null,
            $"No public URL: {containerNote} and '{options.CloudflaredPath}' was not found on PATH. Install cloudflared "
            + "(https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) or start Docker, then restart the AppHost; "
            + $"or set {CloudflareTunnelOptions.ConfigurationSection}:CloudflaredPath to its location. Cursor's servers cannot reach a localhost URL.");
    }
}
