using System.Runtime.InteropServices;
using System.Text.Json;

namespace CursorAspire.Tunnel.Tests.Install;

/// <summary>Which release asset each platform takes, where it is kept, and how a release's checksums are read.</summary>
public sealed class CloudflaredReleaseTests
{
    private static readonly Uri Releases = new(CloudflaredRelease.DefaultReleasesUrl);

    public static TheoryData<string, Architecture, string?> Assets => new()
    {
        { "linux", Architecture.X64, "cloudflared-linux-amd64" },
        { "linux", Architecture.Arm64, "cloudflared-linux-arm64" },
        { "linux", Architecture.X86, "cloudflared-linux-386" },
        { "linux", Architecture.Arm, "cloudflared-linux-armhf" },
        { "osx", Architecture.X64, "cloudflared-darwin-amd64.tgz" },
        { "osx", Architecture.Arm64, "cloudflared-darwin-arm64.tgz" },
        { "windows", Architecture.X64, "cloudflared-windows-amd64.exe" },
        { "windows", Architecture.X86, "cloudflared-windows-386.exe" },
        { "windows", Architecture.Arm64, "cloudflared-windows-amd64.exe" },
        { "linux", Architecture.S390x, null },
        { "freebsd", Architecture.X64, null },
    };

    internal static MachinePlatform Platform(string os, Architecture architecture = Architecture.X64) =>
        new(OSPlatform.Create(os.ToUpperInvariant()), architecture);

    [Theory]
    [MemberData(nameof(Assets))]
    public void EachPlatformTakesTheAssetCloudflaredPublishesForIt(string os, Architecture architecture, string? asset) =>
        Assert.Equal(asset, CloudflaredRelease.AssetFor(Platform(os, architecture)));

    [Theory]
    [InlineData("linux", "cloudflared", false)]
    [InlineData("osx", "cloudflared", true)]
    [InlineData("windows", "cloudflared.exe", false)]
    public void TheBinaryIsKeptPerVersionUnderItsOwnName(string os, string executable, bool archive)
    {
        var release = CloudflaredRelease.For(Platform(os), "2026.8.2", Releases, "/cache/cloudflared")!;

        Assert.Equal(Path.Combine("/cache/cloudflared", "2026.8.2", executable), release.ExecutablePath);
        Assert.Equal(archive, release.IsArchive);
        Assert.Equal(new Uri("https://api.github.com/repos/cloudflare/cloudflared/releases/tags/2026.8.2"), release.ReleaseUrl);
    }

    [Fact]
    public void APlatformWithoutAnAssetHasNoRelease() =>
        Assert.Null(CloudflaredRelease.For(Platform("freebsd"), "2026.8.2", Releases, "/cache"));

    [Fact]
    public void TheCacheIsPerUserInEachOperatingSystemsPlace()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

        Assert.Equal(Path.Combine(home, "Library", "Caches", "CursorAspire", "cloudflared"), CloudflaredRelease.DefaultInstallDirectory(Platform("osx")));
        Assert.Equal(
            Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "CursorAspire", "cloudflared"),
            CloudflaredRelease.DefaultInstallDirectory(Platform("windows")));
        var linux = CloudflaredRelease.DefaultInstallDirectory(Platform("linux"));
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        Assert.Equal(Path.Combine(xdg is { Length: > 0 } && Path.IsPathRooted(xdg) ? xdg : Path.Combine(home, ".cache"), "cursoraspire", "cloudflared"), linux);
    }

    [Fact]
    public void ReleaseNotesChecksumIsReadForExactlyTheAssetNamed()
    {
        var a = new string('a', 64);
        var b = new string('B', 64);
        var notes = $"### SHA256 Checksums:\n```\ncloudflared-linux-amd64.deb: {a}\ncloudflared-linux-amd64: {b}\ncloudflared-linux-arm64: {a}\n```";

        Assert.Equal(new string('b', 64), CloudflaredReleaseAsset.ChecksumInNotes(notes, "cloudflared-linux-amd64"));
        Assert.Equal(a, CloudflaredReleaseAsset.ChecksumInNotes(notes, "cloudflared-linux-amd64.deb"));
        Assert.Null(CloudflaredReleaseAsset.ChecksumInNotes(notes, "cloudflared-linux-arm"));
        Assert.Null(CloudflaredReleaseAsset.ChecksumInNotes("no checksums here", "cloudflared-linux-amd64"));
        Assert.Null(CloudflaredReleaseAsset.ChecksumInNotes($"cloudflared-linux-amd64: {a[..63]}", "cloudflared-linux-amd64"));
    }

    [Fact]
    public void AnAssetIsReadFromTheReleasesApiWithItsDigest()
    {
        var digest = new string('c', 64);
        using var release = JsonDocument.Parse($$"""
            {"tag_name":"2026.8.2","body":"","assets":[
              {"name":"cloudflared-linux-amd64","size":41000000,"digest":"sha256:{{digest}}",
               "browser_download_url":"https://github.com/cloudflare/cloudflared/releases/download/2026.8.2/cloudflared-linux-amd64"}]}
            """);

        var asset = CloudflaredReleaseAsset.FromRelease(release.RootElement, "cloudflared-linux-amd64", Releases);

        Assert.Equal(new Uri("https://github.com/cloudflare/cloudflared/releases/download/2026.8.2/cloudflared-linux-amd64"), asset.DownloadUrl);
        Assert.Equal((41000000L, digest, null), (asset.Size, asset.Digest, asset.PublishedSha256));
    }

    [Theory]
    [InlineData("""{"message":"Not Found"}""", "no assets list")]
    [InlineData("""{"assets":[{"name":"cloudflared-linux-arm64","browser_download_url":"https://x/y"}]}""", "has no asset cloudflared-linux-amd64")]
    [InlineData("""{"assets":[{"name":"cloudflared-linux-amd64","browser_download_url":"file:///etc/passwd"}]}""", "no download address")]
    public void AReleaseWithoutAUsableAssetIsRefused(string json, string why)
    {
        using var release = JsonDocument.Parse(json);

        var error = Assert.Throws<CloudflaredInstallException>(() => CloudflaredReleaseAsset.FromRelease(release.RootElement, "cloudflared-linux-amd64", Releases));

        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
