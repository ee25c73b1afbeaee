using CursorAspire.Tunnel;
using Microsoft.Extensions.Configuration;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// Decides between containers and processes from configuration and a short probe of the container runtime.
/// </summary>
/// <remarks>
/// Configuration keys: <c>AppHost:ContainerRuntime</c> = <c>auto</c> (default: probe), <c>docker</c> (force containers,
/// no probe) or <c>none</c> (force processes); <c>Redis:Command</c> (default <c>redis-server</c>, looked up on PATH);
/// <c>Ollama:Command</c> (default <c>ollama</c>, looked up on PATH).
/// </remarks>
public static class HostingPlanner
{
    /// <summary>Configuration key choosing the container runtime mode.</summary>
    public const string ContainerRuntimeKey = "AppHost:ContainerRuntime";

    /// <summary>Configuration key naming the redis-server executable used in process mode.</summary>
    public const string RedisCommandKey = "Redis:Command";

    /// <summary>Configuration key naming the Ollama executable used in process mode.</summary>
    public const string OllamaCommandKey = "Ollama:Command";

    /// <summary>Decides the plan. <paramref name="probe"/> defaults to <see cref="ContainerRuntimeProbe.Probe"/>.</summary>
    public static HostingPlan Decide(IConfiguration configuration, Func<ContainerRuntimeProbeResult>? probe = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var setting = (configuration[ContainerRuntimeKey] ?? "auto").Trim().ToLowerInvariant();

        (HostingMode mode, string reason) = setting switch
        {
            "docker" or "podman" or "containers" => (HostingMode.Containers, $"{ContainerRuntimeKey}={setting}"),
            "none" or "processes" => (HostingMode.Processes, $"{ContainerRuntimeKey}={setting}"),
            "auto" or "" => FromProbe((probe ?? (() => ContainerRuntimeProbe.Probe(ContainerRuntimeProbe.DefaultProbes, TimeSpan.FromSeconds(2))))()),
            _ => throw new InvalidOperationException(
                $"Configuration '{ContainerRuntimeKey}' is '{setting}'; expected 'auto', 'docker' or 'none'."),
        };

        if (mode == HostingMode.Containers)
        {
            return new HostingPlan(mode, reason, RedisServerPath: null, OllamaCommand: null);
        }

        var redis = ExecutableLocator.Find(configuration[RedisCommandKey] ?? "redis-server");
        var ollama = ExecutableLocator.Find(configuration[OllamaCommandKey] ?? "ollama");
        return new HostingPlan(mode, reason, redis, ollama);
    }

    private static (HostingMode, string) FromProbe(ContainerRuntimeProbeResult result) => result.Available
        ? (HostingMode.Containers, $"container runtime '{result.Runtime}' answered")
        : (HostingMode.Processes, $"no container runtime answered ({result.Detail})");
}
