using CursorAspire.Tunnel;
using CursorAspire.Tunnel.Install;
using CursorAspire.Tunnel.Machine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

// How cloudflared runs: the container, the executable, or not at all. Decided while the model is built, because a
// container resource that cannot start makes the whole AppHost fail.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    private const string ResourceType = "CloudflareTunnel";

    /// <summary>
    /// Container, executable, download, or nothing. Explicit settings win: <c>ContainerRuntime=docker|podman</c> always
    /// takes the container and <c>none</c> never does; a <see cref="CloudflareTunnelOptions.CloudflaredPath"/> given as a
    /// path is used or reported, never replaced by a download; <see cref="CloudflareTunnelOptions.AutoInstall"/>=false
    /// never downloads.
    /// </summary>
    internal static CloudflareTunnelRunnerDecision DecideRunner(CloudflareTunnelOptions options, string appHostDirectory, bool namedTunnel)
    {
        var setting = options.ContainerRuntime.Trim().ToLowerInvariant();
        string containerNote;
        switch (setting)
        {
            case "docker" or "podman":
                return new(CloudflareTunnelRunner.Container, null, null) { ContainerRuntime = setting };
            case "none":
                containerNote = $"containers are switched off ({CloudflareTunnelOptions.ConfigurationSection}:ContainerRuntime=none)";
                break;
            case "auto" or "":
                var probe = options.KnownContainerRuntime
                    ?? ContainerRuntimeProbe.Probe(options.ContainerRuntimeProbes, options.ContainerRuntimeProbeTimeout);
                if (probe.Available && (!namedTunnel || ContainerReachesHostLoopback(probe.Runtime, options.Platform)))
                {
                    return new(CloudflareTunnelRunner.Container, null, null) { ContainerRuntime = probe.Runtime };
                }

                containerNote = probe.Available
                    ? $"a named tunnel's container cannot reach the proxy on localhost with {probe.Runtime} on {options.Platform}"
                    : options.KnownContainerRuntime is null
                        ? $"no container runtime answered ({string.Join(" / ", options.ContainerRuntimeProbes.Select(p => p.Command + " info"))} within {options.ContainerRuntimeProbeTimeout.TotalSeconds:0.#} s)"
                        : $"no container runtime is used ({probe.Detail})";
                break;
            default:
                throw new DistributedApplicationException(
                    $"{CloudflareTunnelOptions.ConfigurationSection}:ContainerRuntime is '{options.ContainerRuntime}'; use auto, docker or none (or podman).");
        }

        var command = ExecutableLocator.Find(options.CloudflaredPath, appHostDirectory);
        if (command is not null)
        {
            return new(CloudflareTunnelRunner.Executable, command, null);
        }

        string LeftOut(string? download) =>
            $"No public URL: {containerNote} and '{options.CloudflaredPath}' was not found on PATH{download}. Install cloudflared "
            + "(https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) or start Docker, then restart the AppHost; "
            + $"or set {CloudflareTunnelOptions.ConfigurationSection}:CloudflaredPath to its location. Cursor's servers cannot reach a localhost URL.";

        var bareName = options.CloudflaredPath.IndexOfAny(['/', '\\']) < 0;
        if (!bareName)
        {
            return new(CloudflareTunnelRunner.None, null, LeftOut(null)); // a path was given: report it, never download instead
        }

        if (!options.AutoInstall)
        {
            return new(CloudflareTunnelRunner.None, null, LeftOut($", and downloading it is switched off ({CloudflareTunnelOptions.ConfigurationSection}:AutoInstall=false)"));
        }

        var installDirectory = string.IsNullOrWhiteSpace(options.InstallDirectory)
            ? CloudflaredRelease.DefaultInstallDirectory(options.Platform)
            : Path.GetFullPath(options.InstallDirectory, appHostDirectory);
        if (!Uri.TryCreate(options.ReleasesUrl, UriKind.Absolute, out var releasesUrl) || releasesUrl.Scheme is not ("https" or "http"))
        {
            throw new DistributedApplicationException(
                $"{CloudflareTunnelOptions.ConfigurationSection}:ReleasesUrl is '{options.ReleasesUrl}'; expected an http(s) URL such as {CloudflaredRelease.DefaultReleasesUrl}.");
        }

        if (CloudflaredRelease.For(options.Platform, PinnedVersions.Cloudflared, releasesUrl, installDirectory) is not { } release)
        {
            return new(CloudflareTunnelRunner.None, null, LeftOut($", and cloudflared publishes no binary for {options.Platform}"));
        }

        // Downloaded on an earlier first run: only verified binaries are ever kept there.
        return File.Exists(release.ExecutablePath)
            ? new(CloudflareTunnelRunner.Executable, release.ExecutablePath, null)
            : new(CloudflareTunnelRunner.Executable, release.ExecutablePath, null) { Download = release, ReasonIfDownloadFails = failure => LeftOut($", and {failure}") };
    }

    /// <summary>
    /// Whether a container on <paramref name="runtime"/> reaches services on the host's loopback, where the proxy
    /// listens: Docker Desktop (macOS, Windows) forwards <c>host.docker.internal</c> to it; Docker Engine on Linux and
    /// Podman do not.
    /// </summary>
    internal static bool ContainerReachesHostLoopback(string? runtime, MachinePlatform platform) =>
        string.Equals(runtime, "docker", StringComparison.OrdinalIgnoreCase) && !platform.IsLinux;

    private static CloudflareTunnelOptions ReadOptions(IDistributedApplicationBuilder builder, Action<CloudflareTunnelOptions>? configure)
    {
        var section = builder.Configuration.GetSection(CloudflareTunnelOptions.ConfigurationSection);
        var options = new CloudflareTunnelOptions();
        options.ContainerRuntime = section[nameof(CloudflareTunnelOptions.ContainerRuntime)] ?? options.ContainerRuntime;
        options.CloudflaredPath = section[nameof(CloudflareTunnelOptions.CloudflaredPath)] ?? options.CloudflaredPath;
        options.ImageTag = section[nameof(CloudflareTunnelOptions.ImageTag)] ?? options.ImageTag;
        options.ReleasesUrl = section[nameof(CloudflareTunnelOptions.ReleasesUrl)] ?? options.ReleasesUrl;
        options.InstallDirectory = section[nameof(CloudflareTunnelOptions.InstallDirectory)] ?? options.InstallDirectory;
        options.HealthPollInterval = section[nameof(CloudflareTunnelOptions.HealthPollInterval)] switch
        {
            null or "" => options.HealthPollInterval,
            var v when TimeSpan.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var interval) && interval >= TimeSpan.FromMilliseconds(100) => interval,
            var v => throw new DistributedApplicationException(
                $"{CloudflareTunnelOptions.ConfigurationSection}:{nameof(CloudflareTunnelOptions.HealthPollInterval)} is '{v}'; expected a time span of at least 00:00:00.1, e.g. 00:00:10."),
        };
        options.RestartAfterFailures = section[nameof(CloudflareTunnelOptions.RestartAfterFailures)] switch
        {
            null or "" => options.RestartAfterFailures,
            var v when int.TryParse(v, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var failures) => failures,
            var v => throw new DistributedApplicationException(
                $"{CloudflareTunnelOptions.ConfigurationSection}:{nameof(CloudflareTunnelOptions.RestartAfterFailures)} is '{v}'; expected a whole number, 0 to turn the watchdog off."),
        };
        options.AutoInstall = section[nameof(CloudflareTunnelOptions.AutoInstall)] switch
        {
            null or "" => options.AutoInstall,
            var v when bool.TryParse(v, out var autoInstall) => autoInstall,
            var v => throw new DistributedApplicationException(
                $"{CloudflareTunnelOptions.ConfigurationSection}:{nameof(CloudflareTunnelOptions.AutoInstall)} is '{v}'; expected true or false."),
        };
        configure?.Invoke(options);
        return options;
    }

    /// <summary>Adds the resource shape <see cref="CloudflareTunnel.Runner"/> calls for.</summary>
    private static IResourceBuilder<ICloudflareTunnelResource> AddRunnerResource(this IDistributedApplicationBuilder builder, CloudflareTunnel tunnel, string? command) =>
        tunnel.Runner switch
        {
            CloudflareTunnelRunner.Container => builder.AddResource(new CloudflareTunnelContainerResource(tunnel.ResourceName, tunnel))
                .WithImage(CloudflaredContainerImageTags.Image, tunnel.Options.ImageTag)
                .WithImageRegistry(CloudflaredContainerImageTags.Registry),
            CloudflareTunnelRunner.Executable => builder.AddResource(new CloudflareTunnelExecutableResource(tunnel.ResourceName, command!, builder.AppHostDirectory, tunnel)),
            _ => builder.AddResource(new CloudflareTunnelUnavailableResource(tunnel.ResourceName, tunnel))
                .WithInitialState(new CustomResourceSnapshot
                {
                    ResourceType = ResourceType,
                    State = CloudflareTunnelStates.Unavailable,
                    Properties = [new ResourcePropertySnapshot(CloudflareTunnelStates.UnavailableReasonProperty, tunnel.UnavailableReason)],
                }),
        };

    /// <summary>Says why a left-out tunnel is missing when the AppHost starts.</summary>
    private static IResourceBuilder<ICloudflareTunnelResource> WithLeftOutWarning(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        var tunnel = builder.Resource.Tunnel;
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(builder.Resource, (e, _) =>
        {
            WarnLeftOut(tunnel, e.Logger, e.Services);
            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>Says why the tunnel is left out, twice on purpose: in its console log in the dashboard and in the AppHost console.</summary>
    private static void WarnLeftOut(CloudflareTunnel tunnel, ILogger resourceLogger, IServiceProvider services)
    {
        resourceLogger.LogWarning("{Reason}", tunnel.UnavailableReason);
        services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.Tunnel").LogWarning("Tunnel '{Tunnel}' left out: {Reason}", tunnel.ResourceName, tunnel.UnavailableReason);
    }
}
