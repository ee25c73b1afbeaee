using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Ollama;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Hosting;

/// <summary>Adds the backing services the way the <see cref="HostingPlan"/> says, and reports the plan.</summary>
public static class HostingPlanBuilderExtensions
{
    /// <summary>Why Ollama is missing when it is, shown in the dashboard and logged.</summary>
    public const string OllamaUnavailableReason =
        "Ollama is not running: no container runtime answered and no 'ollama' command was found on PATH " +
        "(set Ollama:Command, install Ollama, or start Docker). Local models are off; remote providers still work.";

    /// <summary>
    /// Adds the Ollama server: a container with a models volume (and the GPUs if <c>Ollama:Gpu</c>); else the Ollama
    /// command as a process; else nothing, with an <see cref="UnavailableResource"/> in its place. Returns null then.
    /// </summary>
    public static IResourceBuilder<IOllamaServerResource>? AddOllamaServer(
        this IDistributedApplicationBuilder builder, string name, HostingPlan plan, AppHostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);

        if (plan.Mode == HostingMode.Containers)
        {
            var container = builder.AddOllama(name).WithDataVolume();
            return settings.OllamaGpu ? container.WithGpuSupport() : container;
        }

        if (plan.OllamaCommand is { } command)
        {
            return builder.AddOllamaExecutable(name, command, [.. settings.OllamaArgs]);
        }

        builder.AddUnavailable(name, OllamaUnavailableReason);
        return null;
    }

    /// <summary>Shows a service that cannot run as a warning row in the dashboard and a warning in the console.</summary>
    public static IResourceBuilder<UnavailableResource> AddUnavailable(this IDistributedApplicationBuilder builder, string name, string reason)
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
