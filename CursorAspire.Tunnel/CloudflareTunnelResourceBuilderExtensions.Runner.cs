using Aspire.Hosting.ApplicationModel;
using CursorAspire.Tunnel;
using CursorAspire.Tunnel.Machine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

// How cloudflared runs: the container, the executable, or not at all. Decided while the model is built, because a
// container resource that cannot start makes the whole AppHost fail.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    private const string ResourceType = "CloudflareTunnel";

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

        var command = ExecutableLocator.Find(options.CloudflaredPath, appHostDirectory);
        if (command is not null)
        {
            return (CloudflareTunnelRunner.Executable, command, null);
        }

        return (CloudflareTunnelRunner.None, null,
            $"No public URL: {containerNote} and '{options.CloudflaredPath}' was not found on PATH. Install cloudflared "
            + "(https://developers.cloudflare.com/cloudflare-one/connections/connect-networks/downloads/) or start Docker, then restart the AppHost; "
            + $"or set {CloudflareTunnelOptions.ConfigurationSection}:CloudflaredPath to its location. Cursor's servers cannot reach a localhost URL.");
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
                    State = new ResourceStateSnapshot("Unavailable", KnownResourceStateStyles.Warn),
                    Properties = [new ResourcePropertySnapshot("tunnel.unavailable", tunnel.UnavailableReason)],
                }),
        };

    /// <summary>Says why a left-out tunnel is missing when the AppHost starts.</summary>
    private static IResourceBuilder<ICloudflareTunnelResource> WithLeftOutWarning(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        var tunnel = builder.Resource.Tunnel;
        builder.ApplicationBuilder.Eventing.Subscribe<InitializeResourceEvent>(builder.Resource, (e, _) =>
        {
            // Shown twice on purpose: in the dashboard's console log for the resource and in the AppHost console.
            e.Logger.LogWarning("{Reason}", tunnel.UnavailableReason);
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.Tunnel").LogWarning("Tunnel '{Tunnel}' left out: {Reason}", tunnel.ResourceName, tunnel.UnavailableReason);
            return Task.CompletedTask;
        });
        return builder;
    }
}
