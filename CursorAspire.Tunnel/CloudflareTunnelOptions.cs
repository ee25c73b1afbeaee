using CursorAspire.Tunnel;
using CursorAspire.Tunnel.Machine;

namespace Aspire.Hosting;

/// <summary>
/// How a tunnel decides between container, executable and leaving itself out. Read from the configuration
/// section <c>CloudflareTunnel</c> (e.g. <c>CloudflareTunnel__ContainerRuntime=none</c>), then the
/// <c>configure</c> callback of <c>AddCloudflareTunnel</c> may change it.
/// </summary>
public sealed class CloudflareTunnelOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string ConfigurationSection = "CloudflareTunnel";

    /// <summary>
    /// <c>auto</c> (default): use the container when <c>docker info</c> or <c>podman info</c> answers within
    /// <see cref="ContainerRuntimeProbeTimeout"/>; <c>docker</c> (or <c>podman</c>): always the container;
    /// <c>none</c>: never a container. Without a container, the <c>cloudflared</c> executable is used when found.
    /// </summary>
    public string ContainerRuntime { get; set; } = "auto";

    /// <summary>The cloudflared command: a name looked up on PATH or a path to the file. Tests point it at a stand-in.</summary>
    public string CloudflaredPath { get; set; } = "cloudflared";

    /// <summary>The <c>cloudflare/cloudflared</c> image tag used when running as a container.</summary>
    public string ImageTag { get; set; } = CloudflaredContainerImageTags.Tag;

    /// <summary>How long each container runtime probe may take.</summary>
    public TimeSpan ContainerRuntimeProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a dependent resource's start waits for a quick tunnel's first URL before starting without it
    /// (it is restarted when the URL arrives).
    /// </summary>
    public TimeSpan PublicUrlWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The commands that tell whether a container runtime is healthy; replaceable so tests need no Docker.</summary>
    internal IReadOnlyList<ContainerRuntimeProbeCommand> ContainerRuntimeProbes { get; set; } = ContainerRuntimeProbe.DefaultProbes;
}
