using CursorAspire.Tunnel.Machine;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// The decision, taken once while the model is built, of how each backing service runs.
/// Aspire cannot start a container without a healthy runtime (and then fails the whole start after minutes),
/// so the decision has to be made before any container resource is added. Each integration takes it as its own
/// options (<see cref="ConfigureCache"/>, <see cref="ConfigureOllama"/>, <see cref="ConfigureTunnel"/>).
/// </summary>
/// <param name="Mode">Containers or processes.</param>
/// <param name="Reason">Why this mode was chosen, in words shown to the user.</param>
/// <param name="RedisServerPath">Full path of <c>redis-server</c> when found (process mode); null means the embedded Garnet server.</param>
/// <param name="OllamaCommand">Full path of the Ollama command when found (process mode); null means Ollama is left out.</param>
public sealed record HostingPlan(HostingMode Mode, string Reason, string? RedisServerPath, string? OllamaCommand)
{
    /// <summary>
    /// In container mode, the runtime the containers run on: <c>docker</c> or <c>podman</c> (they differ in how a
    /// container is given GPUs, and in whether a container reaches the host's loopback); null in process mode.
    /// </summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>How many proxy processes run behind its one endpoint (<c>AppHost:ProxyReplicas</c>).</summary>
    public int ProxyReplicas { get; init; } = 1;

    /// <summary>Published only: the cache is an existing Redis given as <c>ConnectionStrings:cache</c>, not a container.</summary>
    public bool ExistingCache { get; init; }

    /// <summary>Published only: the proxy uses an existing Ollama given as <c>ConnectionStrings:ollama</c>, not a container.</summary>
    public bool ExistingOllama { get; init; }

    /// <summary>
    /// Why Ollama is left out when this plan runs none (shown in the dashboard and logged); null when the reason is that
    /// this machine has no way to run it (<see cref="OllamaResourceBuilderExtensions.OllamaUnavailableReason"/>).
    /// </summary>
    public string? OllamaLeftOutReason { get; init; }

    /// <summary>The cache as the plan says: a container, else the <c>redis-server</c> found, else embedded Garnet.</summary>
    /// <param name="options">The cache's options.</param>
    public void ConfigureCache(CacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseContainer = Mode == HostingMode.Containers;
        options.RedisServerPath = RedisServerPath;
        options.UseExistingServer = ExistingCache;
    }

    /// <summary>Ollama as the plan says: a container on its runtime, else the Ollama command found, else left out.</summary>
    /// <param name="options">Ollama's options.</param>
    public void ConfigureOllama(OllamaServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.UseContainer = Mode == HostingMode.Containers && OllamaLeftOutReason is null;
        options.ContainerRuntime = ContainerRuntime;
        options.Command = OllamaCommand;
        options.UnavailableReason = OllamaLeftOutReason ?? options.UnavailableReason;
    }

    /// <summary>
    /// The tunnel decides by what the probe found instead of probing again. Handed over as a finding, not as a setting:
    /// the tunnel's own explicit <c>CloudflareTunnel:*</c> configuration (e.g. <c>ContainerRuntime=none</c>,
    /// <c>CloudflaredPath</c>, <c>AutoInstall=false</c>) always wins, and with a runtime found the tunnel still decides
    /// for itself that a named tunnel on Linux or Podman runs the executable.
    /// </summary>
    /// <param name="options">The tunnel's options.</param>
    public void ConfigureTunnel(CloudflareTunnelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.KnownContainerRuntime = new ContainerRuntimeProbeResult(Mode == HostingMode.Containers, ContainerRuntime, Reason);
    }
}
