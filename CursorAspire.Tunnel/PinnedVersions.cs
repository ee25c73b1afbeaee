namespace CursorAspire.Tunnel;

/// <summary>
/// The one place for the versions of the software the AppHost runs but does not build: the container image tags and
/// the cloudflared release it downloads on a machine without Docker or cloudflared. Each is the newest release that
/// was confirmed when it was pinned; bump deliberately (a test checks that each is a well-formed tag).
/// </summary>
/// <remarks>
/// The Redis image is Aspire's own pin (<c>Aspire.Hosting.Redis</c>), so it moves with the Aspire packages.
/// </remarks>
public static class PinnedVersions
{
    /// <summary>
    /// cloudflared: the <c>cloudflare/cloudflared</c> image tag, and the GitHub release downloaded when neither a
    /// container runtime nor a <c>cloudflared</c> executable is there. Calendar versions, <c>YYYY.M.PATCH</c>.
    /// </summary>
    public const string Cloudflared = "2026.8.2";

    /// <summary>Ollama: the <c>ollama/ollama</c> image tag (the release without its <c>v</c>); AMD GPUs take <see cref="OllamaRocm"/>.</summary>
    public const string Ollama = "0.32.15";

    /// <summary>The <c>ollama/ollama</c> image tag built for AMD GPUs (ROCm).</summary>
    public const string OllamaRocm = Ollama + "-rocm";
}
