using CursorAspire.Tunnel;
using CursorAspire.Tunnel.Install;
using CursorAspire.Tunnel.Machine;

namespace Aspire.Hosting;

/// <summary>
/// How a tunnel decides between container, executable (found, or downloaded on first run) and leaving itself out.
/// Read from the configuration section <c>CloudflareTunnel</c> (e.g. <c>CloudflareTunnel__ContainerRuntime=none</c>),
/// then the <c>configure</c> callback of <c>AddCloudflareTunnel</c> may change it.
/// </summary>
public sealed class CloudflareTunnelOptions
{
    /// <summary>The configuration section the options are read from.</summary>
    public const string ConfigurationSection = "CloudflareTunnel";

    /// <summary>
    /// <c>auto</c> (default): use the container when a container runtime answers (<see cref="KnownContainerRuntime"/>, else
    /// <c>docker info</c> / <c>podman info</c> within <see cref="ContainerRuntimeProbeTimeout"/>), except for a named
    /// tunnel on a runtime whose containers cannot reach the host's loopback (Linux, Podman), which runs the executable;
    /// <c>docker</c> (or <c>podman</c>): always the container; <c>none</c>: never a container. Without a container, the
    /// <c>cloudflared</c> executable is used when found, else downloaded (<see cref="AutoInstall"/>).
    /// </summary>
    public string ContainerRuntime { get; set; } = "auto";

    /// <summary>
    /// What a container runtime probe the caller has already made found (the AppHost's hosting plan), so <c>auto</c>
    /// decides by it instead of probing again. Never overrides an explicit <see cref="ContainerRuntime"/>.
    /// </summary>
    public ContainerRuntimeProbeResult? KnownContainerRuntime { get; set; }

    /// <summary>
    /// The cloudflared command: a name looked up on PATH or a path to the file. Tests point it at a stand-in. A path that
    /// does not exist is reported, never replaced by a download.
    /// </summary>
    public string CloudflaredPath { get; set; } = "cloudflared";

    /// <summary>
    /// <c>CloudflareTunnel:AutoInstall</c>: when no container is used and <see cref="CloudflaredPath"/> (a bare name) is
    /// not on PATH, download the pinned cloudflared release (<see cref="PinnedVersions.Cloudflared"/>) for this OS and
    /// architecture into <see cref="InstallDirectory"/>, verify it and use it. Default true; false leaves the tunnel
    /// out instead, and ignores earlier downloads.
    /// </summary>
    public bool AutoInstall { get; set; } = true;

    /// <summary>
    /// <c>CloudflareTunnel:ReleasesUrl</c>: the GitHub API address of cloudflared's releases (the release is read from
    /// <c>{ReleasesUrl}/tags/{version}</c>, its assets downloaded from where it says). Tests point it at a stand-in.
    /// </summary>
    public string ReleasesUrl { get; set; } = CloudflaredRelease.DefaultReleasesUrl;

    /// <summary>
    /// <c>CloudflareTunnel:InstallDirectory</c>: where downloaded cloudflared binaries are kept, one folder per version;
    /// default the per-user cache folder (<see cref="CloudflaredRelease.DefaultInstallDirectory"/>).
    /// </summary>
    public string? InstallDirectory { get; set; }

    /// <summary>The <c>cloudflare/cloudflared</c> image tag used when running as a container.</summary>
    public string ImageTag { get; set; } = CloudflaredContainerImageTags.Tag;

    /// <summary>How long each container runtime probe may take.</summary>
    public TimeSpan ContainerRuntimeProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a dependent resource's start waits for a quick tunnel's first URL before starting without it
    /// (it is restarted when the URL arrives).
    /// </summary>
    public TimeSpan PublicUrlWaitTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>CloudflareTunnel:HealthPollInterval</c>: once the tunnel has been healthy, how often its watchdog requests
    /// <c>GET &lt;public URL&gt;/health</c> through Cloudflare (default 10 s). Only that request proves the public URL
    /// works: after a laptop's sleep cloudflared lives on and may even reconnect, while Cloudflare has dropped a quick
    /// tunnel's hostname. Every 10 s finds a dead URL within half a minute at the cost of one tiny request.
    /// </summary>
    public TimeSpan HealthPollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// <c>CloudflareTunnel:RestartAfterFailures</c>: failed polls in a row after which cloudflared is restarted (default
    /// 3, so at least 20 s of failure); 0 turns the watchdog off. More than one: cloudflared rides out a short network
    /// blip by itself within seconds, and a needless restart of a quick tunnel costs the user a new URL to paste.
    /// </summary>
    public int RestartAfterFailures { get; set; } = 3;

    /// <summary>The commands that tell whether a container runtime is healthy; replaceable so tests need no Docker.</summary>
    internal IReadOnlyList<ContainerRuntimeProbeCommand> ContainerRuntimeProbes { get; set; } = ContainerRuntimeProbe.DefaultProbes;

    /// <summary>The platform decided for; replaceable so tests cover every operating system on one machine.</summary>
    internal MachinePlatform Platform { get; set; } = MachinePlatform.Current;
}
