namespace Aspire.Hosting.ApplicationModel;

/// <summary>How the tunnel's <c>cloudflared</c> runs, decided while the model is built.</summary>
public enum CloudflareTunnelRunner
{
    /// <summary>Not run: no healthy container runtime and no <c>cloudflared</c> executable was found.</summary>
    None,

    /// <summary>The <c>cloudflare/cloudflared</c> container image, on a healthy Docker or Podman.</summary>
    Container,

    /// <summary>The <c>cloudflared</c> executable (from PATH, or the configured path).</summary>
    Executable,
}
