namespace CursorAspire.Tunnel;

/// <summary>The container image the tunnel runs when a container runtime is healthy.</summary>
internal static class CloudflaredContainerImageTags
{
    public const string Registry = "docker.io";

    public const string Image = "cloudflare/cloudflared";

    /// <summary>Pinned (<see cref="PinnedVersions.Cloudflared"/>) so a new release cannot change the log format the URL is read from unannounced.</summary>
    public const string Tag = PinnedVersions.Cloudflared;
}
