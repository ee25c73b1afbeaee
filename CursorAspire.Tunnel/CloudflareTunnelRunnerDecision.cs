using CursorAspire.Tunnel.Install;

namespace CursorAspire.Tunnel;

/// <summary>How a tunnel's cloudflared runs, decided while the model is built.</summary>
/// <param name="Runner">Container, executable, or not at all.</param>
/// <param name="Command">The executable's path (for <see cref="CloudflareTunnelRunner.Executable"/>).</param>
/// <param name="Reason">Why the tunnel is left out (for <see cref="CloudflareTunnelRunner.None"/>).</param>
internal sealed record CloudflareTunnelRunnerDecision(CloudflareTunnelRunner Runner, string? Command, string? Reason)
{
    /// <summary>The container runtime (for <see cref="CloudflareTunnelRunner.Container"/>): <c>docker</c>, <c>podman</c>, or what the probe named.</summary>
    public string? ContainerRuntime { get; init; }

    /// <summary>The release to download before the first start, when <see cref="Command"/> is not there yet.</summary>
    public CloudflaredRelease? Download { get; init; }

    /// <summary>Why the tunnel is left out if <see cref="Download"/> fails, given what failed.</summary>
    public Func<string, string>? ReasonIfDownloadFails { get; init; }
}
