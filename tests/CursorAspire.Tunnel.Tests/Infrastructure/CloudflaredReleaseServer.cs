using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel.Tests.Infrastructure;

/// <summary>
/// Stands in for GitHub's releases of cloudflared on loopback: <c>GET …/releases/tags/{version}</c> answers as the
/// releases API does (assets with their download URL, size and <c>digest</c>; notes with cloudflared's "SHA256 Checksums"
/// block), and the asset for this platform is the cloudflared stand-in, shaped as cloudflared ships it: a bare binary
/// for Linux, a <c>.tgz</c> holding <c>cloudflared</c> for macOS, an <c>.exe</c> for Windows.
/// </summary>
internal sealed class CloudflaredReleaseServer : IAsyncDisposable
{
    /// <summary>The API path of cloudflared's releases, as on api.github.com.</summary>
    public const string ReleasesPath = "/repos/cloudflare/cloudflared/releases";

    private readonly WebApplication _app;
    private int _downloads;

    private CloudflaredReleaseServer(WebApplication app, Uri baseUrl, string version, string assetName)
    {
        _app = app;
        ReleasesUrl = new Uri(baseUrl, ReleasesPath);
        Version = version;
        AssetName = assetName;
    }

    /// <summary>The single-file stand-in published next to the tests (see the project file), served as the release asset.</summary>
    public static string StandInBinaryPath
    {
        get
        {
            var path = Path.Combine(AppContext.BaseDirectory, "release-asset", OperatingSystem.IsWindows() ? "CursorAspire.CloudflaredStandIn.exe" : "CursorAspire.CloudflaredStandIn");
            Assert.True(File.Exists(path), $"The single-file cloudflared stand-in is missing: {path} (the test project's build publishes it).");
            return path;
        }
    }

    /// <summary>Where the AppHost looks releases up (<c>CloudflareTunnel:ReleasesUrl</c>).</summary>
    public Uri ReleasesUrl { get; }

    /// <summary>The release served.</summary>
    public string Version { get; }

    /// <summary>The asset served: the one cloudflared publishes for this machine's platform.</summary>
    public string AssetName { get; }

    /// <summary>How many times the asset was downloaded.</summary>
    public int Downloads => Volatile.Read(ref _downloads);

    /// <summary>Starts the server on a free loopback port.</summary>
    /// <param name="version">The release (tag) served; other tags answer 404.</param>
    /// <param name="corrupt">Serve the asset with one byte changed, while publishing the genuine checksums.</param>
    /// <param name="publishChecksums">Publish SHA-256 checksums (notes and digest) at all.</param>
    public static async Task<CloudflaredReleaseServer> StartAsync(string version = PinnedVersions.Cloudflared, bool corrupt = false, bool publishChecksums = true)
    {
        var assetName = CloudflaredRelease.AssetFor(MachinePlatform.Current)
            ?? throw new InvalidOperationException($"cloudflared publishes no binary for {MachinePlatform.Current}.");
        var binary = await File.ReadAllBytesAsync(StandInBinaryPath);
        var asset = assetName.EndsWith(".tgz", StringComparison.Ordinal) ? await TarGzAsync(binary) : binary;
        var served = corrupt ? Corrupted(asset) : asset;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        CloudflaredReleaseServer? server = null;

        app.MapGet(ReleasesPath + "/tags/{tag}", (string tag, HttpRequest request) =>
        {
            if (tag != version)
            {
                return Results.Json(new { message = "Not Found" }, statusCode: 404);
            }

            var downloadUrl = $"{request.Scheme}://{request.Host}/cloudflare/cloudflared/releases/download/{version}/{assetName}";
            // As cloudflared's release notes list them: every asset, the .tgz one with the checksum of the binary inside.
            var notes = publishChecksums
                ? $"### Notes\n- a release\n\n### SHA256 Checksums:\n```\n{assetName}.deb: {Sha256("a package")}\n{assetName}: {Sha256(binary)}\n```\n"
                : "### Notes\n- a release\n";
            return Results.Json(new
            {
                tag_name = version,
                name = version,
                body = notes,
                assets = new object[]
                {
                    new { name = assetName + ".deb", size = 9, digest = "sha256:" + Sha256("a package"), browser_download_url = downloadUrl + ".deb" },
                    new { name = assetName, size = asset.Length, digest = publishChecksums ? "sha256:" + Sha256(asset) : null, browser_download_url = downloadUrl },
                },
            });
        });

        app.MapGet("/cloudflare/cloudflared/releases/download/{tag}/{name}", async (string tag, string name, HttpResponse response) =>
        {
            if (tag != version || name != assetName)
            {
                response.StatusCode = 404;
                return;
            }

            Interlocked.Increment(ref server!._downloads);
            response.ContentType = "application/octet-stream";
            response.ContentLength = served.Length;
            // In slices, so the download shows progress the way a large one does.
            const int Slice = 64 * 1024;
            for (var offset = 0; offset < served.Length; offset += Slice)
            {
                await response.Body.WriteAsync(served.AsMemory(offset, Math.Min(Slice, served.Length - offset)));
                await response.Body.FlushAsync();
            }
        });

        await app.StartAsync();
        server = new CloudflaredReleaseServer(app, new Uri(app.Urls.First()), version, assetName);
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Sha256(string text) => Sha256(System.Text.Encoding.UTF8.GetBytes(text));

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] Corrupted(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }

    /// <summary>What cloudflared's macOS build does: <c>tar czf cloudflared-darwin-…tgz cloudflared</c>.</summary>
    private static async Task<byte[]> TarGzAsync(byte[] binary)
    {
        using var output = new MemoryStream();
        await using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, "cloudflared")
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                    | UnixFileMode.OtherRead | UnixFileMode.OtherExecute,
                DataStream = new MemoryStream(binary),
            };
            await tar.WriteEntryAsync(entry);
        }

        return output.ToArray();
    }
}
