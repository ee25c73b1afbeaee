namespace CursorAspire.Tunnel;

/// <summary>The container image the tunnel runs when a container runtime is healthy.</summary>
internal static class CloudflaredContainerImageTags
{
    public const string Registry = "docker.io";

    public const string Image = "cloudflare/cloudflared";

    /// <summary>Pinned so a new cloudflared release cannot change the log format the URL is read from unannounced.</summary>
    public const string Tag = "2025.7.0";
}
