using System.Text.Json;
using System.Text.RegularExpressions;

namespace CursorAspire.Tunnel.Install;

/// <summary>
/// One asset of a GitHub release as the releases API describes it, with the SHA-256 checksums published for it.
/// </summary>
/// <param name="Name">The asset's file name, e.g. <c>cloudflared-linux-amd64</c>.</param>
/// <param name="DownloadUrl">Where to download it (<c>browser_download_url</c>).</param>
/// <param name="Size">Its size in bytes, as published.</param>
/// <param name="Digest">GitHub's SHA-256 of the asset file itself (<c>"digest": "sha256:…"</c>), when the API gives one.</param>
/// <param name="PublishedSha256">
/// The SHA-256 cloudflared lists for the asset in the release notes ("SHA256 Checksums", <c>name: hex</c>): of the file
/// itself, or for a <c>.tgz</c> of the <c>cloudflared</c> binary inside it. Null when the notes list none.
/// </param>
public sealed partial record CloudflaredReleaseAsset(string Name, Uri DownloadUrl, long? Size, string? Digest, string? PublishedSha256)
{
    /// <summary>Reads <paramref name="assetName"/> out of a release as the GitHub releases API returns it.</summary>
    /// <param name="release">The release (<c>GET /repos/{owner}/{repo}/releases/tags/{tag}</c>).</param>
    /// <param name="assetName">The asset to find.</param>
    /// <param name="releaseUrl">The release's address, to resolve a relative download URL against.</param>
    /// <returns>The asset.</returns>
    /// <exception cref="CloudflaredInstallException">The release lists no such asset, or describes it unreadably.</exception>
    public static CloudflaredReleaseAsset FromRelease(JsonElement release, string assetName, Uri releaseUrl)
    {
        ArgumentException.ThrowIfNullOrEmpty(assetName);
        if (release.ValueKind != JsonValueKind.Object || !release.TryGetProperty("assets", out var assets) || assets.ValueKind != JsonValueKind.Array)
        {
            throw new CloudflaredInstallException($"{releaseUrl} is not a GitHub release (no assets list).");
        }

        var asset = assets.EnumerateArray().FirstOrDefault(a => a.ValueKind == JsonValueKind.Object
            && a.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() == assetName);
        if (asset.ValueKind != JsonValueKind.Object)
        {
            throw new CloudflaredInstallException($"The release at {releaseUrl} has no asset {assetName}.");
        }

        if (String(asset, "browser_download_url") is not { } url || !Uri.TryCreate(releaseUrl, url, out var downloadUrl)
            || downloadUrl.Scheme is not ("https" or "http"))
        {
            throw new CloudflaredInstallException($"The release at {releaseUrl} gives no download address for {assetName}.");
        }

        long? size = asset.TryGetProperty("size", out var s) && s.TryGetInt64(out var bytes) && bytes > 0 ? bytes : null;
        var digest = String(asset, "digest") is { } d && d.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) && IsSha256(d["sha256:".Length..])
            ? d["sha256:".Length..].ToLowerInvariant()
            : null;
        return new CloudflaredReleaseAsset(assetName, downloadUrl, size, digest, ChecksumInNotes(String(release, "body"), assetName));
    }

    /// <summary>The checksum listed for <paramref name="assetName"/> in release notes (<c>name: 64 hex digits</c> on a line), if any.</summary>
    internal static string? ChecksumInNotes(string? notes, string assetName)
    {
        if (string.IsNullOrEmpty(notes))
        {
            return null;
        }

        foreach (var line in notes.Split('\n'))
        {
            var match = ChecksumLine().Match(line.Trim());
            if (match.Success && match.Groups["name"].Value == assetName)
            {
                return match.Groups["sha"].Value.ToLowerInvariant();
            }
        }

        return null;
    }

    private static string? String(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool IsSha256(string hex) => hex.Length == 64 && hex.All(char.IsAsciiHexDigit);

    [GeneratedRegex(@"^(?<name>[A-Za-z0-9._-]+):\s*(?<sha>[0-9A-Fa-f]{64})$", RegexOptions.CultureInvariant)]
    private static partial Regex ChecksumLine();
}
