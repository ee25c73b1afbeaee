using CursorAspire.Tunnel.Machine;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// Decides between containers and processes from the settings and a short probe of the container runtime.
/// </summary>
/// <remarks>
/// <see cref="AppHostSettings.ContainerRuntime"/> = <c>auto</c> (default: probe), <c>docker</c> or <c>podman</c> (force
/// containers on that runtime, no probe) or <c>none</c> (force processes); in process mode <see cref="AppHostSettings.RedisCommand"/> and
/// <see cref="AppHostSettings.OllamaCommand"/> are looked up on PATH. For running only: publishing takes the container
/// model whatever this machine has (<see cref="Publishing.PublishingPlanner"/>).
/// </remarks>
public static class HostingPlanner
{
    /// <summary>Decides the plan. <paramref name="probe"/> defaults to <see cref="ContainerRuntimeProbe.Probe"/>.</summary>
    /// <param name="settings">The AppHost's settings.</param>
    /// <param name="probe">Asks whether a container runtime answers; replaceable so tests need no Docker.</param>
    /// <returns>The plan every backing service is added by.</returns>
    public static HostingPlan Decide(AppHostSettings settings, Func<ContainerRuntimeProbeResult>? probe = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        const string Key = AppHostSettings.ContainerRuntimeKey;
        var setting = settings.ContainerRuntime.Trim().ToLowerInvariant();

        (HostingMode mode, string reason, string? runtime) = setting switch
        {
            "docker" or "containers" => (HostingMode.Containers, $"{Key}={setting}", "docker"),
            "podman" => (HostingMode.Containers, $"{Key}={setting}", "podman"),
            "none" or "processes" => (HostingMode.Processes, $"{Key}={setting}", null),
            "auto" or "" => FromProbe((probe ?? (() => ContainerRuntimeProbe.Probe(ContainerRuntimeProbe.DefaultProbes, TimeSpan.FromSeconds(2))))()),
            _ => throw new InvalidOperationException(
                $"Configuration '{Key}' is '{setting}'; expected 'auto', 'docker', 'podman' or 'none'."),
        };

        if (mode == HostingMode.Containers)
        {
            return new HostingPlan(mode, reason, RedisServerPath: null, OllamaCommand: null)
            {
                ContainerRuntime = runtime,
                ProxyReplicas = settings.ProxyReplicas ?? 1,
            };
        }

        var redis = ExecutableLocator.Find(settings.RedisCommand);
        var ollama = ExecutableLocator.Find(settings.OllamaCommand);
        return new HostingPlan(mode, reason, redis, ollama) { ProxyReplicas = settings.ProxyReplicas ?? 1 };
    }

    private static (HostingMode, string, string?) FromProbe(ContainerRuntimeProbeResult result) => result.Available
        ? (HostingMode.Containers, $"container runtime '{result.Runtime}' answered", result.Runtime)
        : (HostingMode.Processes, $"no container runtime answered ({result.Detail})", null);
}
