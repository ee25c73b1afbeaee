using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CursorAspire.Tunnel.Machine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Hosting;

/// <summary>Reports the <see cref="HostingPlan"/>, adds the tunnel the way it says, and shows what it leaves out.</summary>
public static class HostingPlanBuilderExtensions
{
    /// <summary>The secret parameter holding a named tunnel's token.</summary>
    public const string TunnelTokenParameterName = "cloudflare-tunnel-token";

    /// <summary>
    /// Adds a cloudflared tunnel in front of <paramref name="target"/> that follows <paramref name="plan"/>, so it never
    /// adds a container this machine cannot run: a named tunnel when <c>CloudflareTunnel:Hostname</c> is set (its token in
    /// the secret parameter <see cref="TunnelTokenParameterName"/>), else a quick tunnel.
    /// </summary>
    /// <remarks>
    /// The plan is handed over as what the probe found, not as a setting: the tunnel's own explicit
    /// <c>CloudflareTunnel:*</c> configuration (e.g. <c>ContainerRuntime=none</c>, <c>CloudflaredPath</c>,
    /// <c>AutoInstall=false</c>) always wins, and with a runtime found the tunnel still decides for itself that a named
    /// tunnel on Linux or Podman runs the executable.
    /// </remarks>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The tunnel's resource name.</param>
    /// <param name="target">The HTTP endpoint to expose.</param>
    /// <param name="plan">Containers or processes, and on which runtime.</param>
    /// <param name="settings">The named tunnel's hostname, if any.</param>
    /// <returns>The tunnel's builder.</returns>
    public static IResourceBuilder<ICloudflareTunnelResource> AddCloudflareTunnel(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, EndpointReference target, HostingPlan plan, AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        var probed = new ContainerRuntimeProbeResult(plan.Mode == HostingMode.Containers, plan.ContainerRuntime, plan.Reason);
        void UsePlan(CloudflareTunnelOptions options) => options.KnownContainerRuntime = probed;
        return settings.CloudflareTunnelHostname is { } hostname
            ? builder.AddCloudflareNamedTunnel(name, target, builder.AddParameter(TunnelTokenParameterName, secret: true), hostname, UsePlan)
            : builder.AddCloudflareTunnel(name, target, UsePlan);
    }

    /// <summary>Shows a service that cannot run as a warning row in the dashboard and a warning in the console.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The name the service would have had.</param>
    /// <param name="reason">Why it cannot run and what the user can do about it.</param>
    /// <returns>The placeholder's builder.</returns>
    public static IResourceBuilder<UnavailableResource> AddUnavailable(this IDistributedApplicationBuilder builder, [ResourceName] string name, string reason)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost").LogWarning("{Name}: {Reason}", name, reason);
            return Task.CompletedTask;
        });

        return builder.AddResource(new UnavailableResource(name, reason))
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "Unavailable",
                State = new ResourceStateSnapshot("Unavailable", KnownResourceStateStyles.Warn),
                Properties = [new("reason", reason) { DisplayName = "Why" }],
            })
            .ExcludeFromManifest();
    }

    /// <summary>Logs at start-up which mode was chosen and why.</summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="plan">The plan to report.</param>
    /// <returns>The application builder.</returns>
    public static IDistributedApplicationBuilder ReportHostingPlan(this IDistributedApplicationBuilder builder, HostingPlan plan)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost");
            if (plan.Mode == HostingMode.Containers)
            {
                logger.LogInformation("Backing services run as containers ({Reason}).", plan.Reason);
            }
            else
            {
                logger.LogInformation(
                    "Backing services run as local processes ({Reason}): cache = {Cache}, Ollama = {Ollama}.",
                    plan.Reason,
                    plan.RedisServerPath ?? "embedded Garnet",
                    plan.OllamaCommand ?? "not available");
            }

            return Task.CompletedTask;
        });
        return builder;
    }
}
