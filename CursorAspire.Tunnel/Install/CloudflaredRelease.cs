using System.Runtime.InteropServices;
using CursorAspire.Tunnel.Machine;

namespace CursorAspire.Tunnel.Install;

/// <summary>
/// One cloudflared release for one platform, as the AppHost downloads it when neither a container runtime nor a
/// <c>cloudflared</c> executable is there: which asset of the GitHub release to take and where the binary is kept.
/// </summary>
/// <remarks>
/// cloudflared publishes on each GitHub release a bare binary for Linux (<c>cloudflared-linux-amd64</c>), a gzipped tar
/// holding <c>cloudflared</c> for macOS (<c>cloudflared-darwin-arm64.tgz</c>) and an <c>.exe</c> for Windows
/// (<c>cloudflared-windows-amd64.exe</c>), and lists their SHA-256 checksums in the release notes (for a <c>.tgz</c>, of
/// the binary inside it). The binary is kept per user and per version, so a later start reuses it without the network.
/// </remarks>
/// <param name="Version">The release, e.g. <c>2026.8.2</c>.</param>
/// <param name="AssetName">The release asset for this platform.</param>
/// <param name="ReleasesUrl">The GitHub API address of cloudflared's releases; the release is read from <c>{ReleasesUrl}/tags/{Version}</c>.</param>
/// <param name="ExecutablePath">Where the verified binary is kept: <c>{install directory}/{Version}/cloudflared[.exe]</c>.</param>
public sealed record CloudflaredRelease(string Version, string AssetName, Uri ReleasesUrl, string ExecutablePath)
{
    /// <summary>The GitHub API address of cloudflared's releases.</summary>
    public const string DefaultReleasesUrl = "https://api.github.com/repos/cloudflare/cloudflared/releases";

    /// <summary>Whether the asset is a gzipped tar holding the binary (macOS) rather than the binary itself.</summary>
    public bool IsArchive => AssetName.EndsWith(".tgz", StringComparison.Ordinal);

    /// <summary>The address of the release's description (assets, checksums).</summary>
    public Uri ReleaseUrl => new($"{ReleasesUrl.ToString().TrimEnd('/')}/tags/{Uri.EscapeDataString(Version)}");

    /// <summary>
    /// The release of <paramref name="version"/> for <paramref name="platform"/>, kept under <paramref name="installDirectory"/>;
    /// <see langword="null"/> when cloudflared publishes no binary for the platform.
    /// </summary>
    public static CloudflaredRelease? For(MachinePlatform platform, string version, Uri releasesUrl, string installDirectory) =>
        AssetFor(platform) is { } asset
            ? new CloudflaredRelease(version, asset, releasesUrl, Path.Combine(installDirectory, version, ExecutableName(platform)))
            : null;

    /// <summary>The release asset for the platform, or <see langword="null"/> when there is none.</summary>
    public static string? AssetFor(MachinePlatform platform) => (platform.IsLinux, platform.IsMacOS, platform.IsWindows, platform.Architecture) switch
    {
        (true, _, _, Architecture.X64) => "cloudflared-linux-amd64",
        (true, _, _, Architecture.Arm64) => "cloudflared-linux-arm64",
        (true, _, _, Architecture.X86) => "cloudflared-linux-386",
        (true, _, _, Architecture.Arm) => "cloudflared-linux-armhf", // ARMv7 with hardware floating point, as .NET's linux-arm
        (_, true, _, Architecture.X64) => "cloudflared-darwin-amd64.tgz",
        (_, true, _, Architecture.Arm64) => "cloudflared-darwin-arm64.tgz",
        (_, _, true, Architecture.X64) => "cloudflared-windows-amd64.exe",
        (_, _, true, Architecture.X86) => "cloudflared-windows-386.exe",
        (_, _, true, Architecture.Arm64) => "cloudflared-windows-amd64.exe", // no Arm build: Windows on Arm runs x64 binaries
        _ => null,
    };

    /// <summary>The binary's file name on the platform.</summary>
    public static string ExecutableName(MachinePlatform platform) => platform.IsWindows ? "cloudflared.exe" : "cloudflared";

    /// <summary>
    /// The per-user cache folder for downloaded cloudflared binaries: <c>%LOCALAPPDATA%\CursorAspire\cloudflared</c> on
    /// Windows, <c>~/Library/Caches/CursorAspire/cloudflared</c> on macOS, <c>$XDG_CACHE_HOME/cursoraspire/cloudflared</c>
    /// (default <c>~/.cache/…</c>) elsewhere.
    /// </summary>
    public static string DefaultInstallDirectory(MachinePlatform platform)
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (platform.IsWindows)
        {
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CursorAspire", "cloudflared");
        }

        if (platform.IsMacOS)
        {
            return Path.Combine(home, "Library", "Caches", "CursorAspire", "cloudflared");
        }

        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache");
        return Path.Combine(cache, "cursoraspire", "cloudflared");
    }
}
