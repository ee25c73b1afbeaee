using System.ComponentModel;
using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel.Install;

/// <summary>
/// Downloads one cloudflared release into the per-user cache and refuses anything it cannot verify: the SHA-256 GitHub
/// gives for the asset and the one the release notes publish (each when present), then the version the binary itself
/// reports. Only a verified binary ever reaches <see cref="CloudflaredRelease.ExecutablePath"/>, so a file there is
/// reused as it is.
/// </summary>
/// <param name="release">What to download and where to keep it.</param>
/// <param name="http">The client for the releases API and the download.</param>
/// <param name="logger">The tunnel's log.</param>
internal sealed partial class CloudflaredInstaller(CloudflaredRelease release, HttpClient http, ILogger logger)
{
    /// <summary>The most a cloudflared download may be (today's binaries are ~40 MB).</summary>
    internal const long MaxDownloadBytes = 512L * 1024 * 1024;

    /// <summary>How long the download may go without receiving a byte before it counts as lost.</summary>
    internal static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Downloads, verifies and keeps the release; returns the binary's path.</summary>
    /// <param name="report">Receives the dashboard states to show (download progress, then verifying).</param>
    /// <param name="cancellationToken">Stops the download.</param>
    /// <returns><see cref="CloudflaredRelease.ExecutablePath"/>, holding the verified binary.</returns>
    /// <exception cref="CloudflaredInstallException">The release could not be fetched or what came was refused; the message says which.</exception>
    public async Task<string> InstallAsync(Func<ResourceStateSnapshot, Task> report, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(release.ExecutablePath)!;
        Directory.CreateDirectory(directory);
        // Unique names: two AppHosts starting at once each download their own copy and the first to finish wins.
        var download = Path.Combine(directory, $".{release.AssetName}.{Guid.NewGuid():N}.download");
        var binary = release.IsArchive ? download + ".binary" : download;
        try
        {
            var asset = await ReadAssetAsync(cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Downloading cloudflared {Version} ({Asset}) from {Url}.", release.Version, asset.Name, asset.DownloadUrl);
            await DownloadAsync(asset, download, report, cancellationToken).ConfigureAwait(false);

            await report(CloudflareTunnelStates.Verifying).ConfigureAwait(false);
            if (asset.Digest is { } digest)
            {
                await VerifyAsync(download, digest, $"GitHub's SHA-256 of {asset.Name}", cancellationToken).ConfigureAwait(false);
            }

            if (release.IsArchive)
            {
                await ExtractBinaryAsync(download, binary, cancellationToken).ConfigureAwait(false);
            }

            if (asset.PublishedSha256 is { } published)
            {
                await VerifyAsync(binary, published, $"the SHA-256 the release notes publish for {asset.Name}", cancellationToken).ConfigureAwait(false);
            }

            if (asset.Digest is null && asset.PublishedSha256 is null)
            {
                logger.LogWarning("The release publishes no SHA-256 for {Asset}; only the version the binary reports is checked.", asset.Name);
            }

            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(binary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }

            var reported = await ReadVersionAsync(binary, cancellationToken).ConfigureAwait(false);
            if (reported != release.Version)
            {
                throw new CloudflaredInstallException($"the downloaded {asset.Name} reports version {reported}, not {release.Version}; it was not kept.");
            }

            Keep(binary);
            logger.LogInformation("cloudflared {Version} verified and kept at {Path}.", release.Version, release.ExecutablePath);
            return release.ExecutablePath;
        }
        catch (HttpRequestException ex)
        {
            throw new CloudflaredInstallException($"downloading cloudflared {release.Version} failed: {ex.Message}", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CloudflaredInstallException($"downloading cloudflared {release.Version} stalled: nothing arrived for {StallTimeout.TotalSeconds:0} s.", ex);
        }
        finally
        {
            File.Delete(download);
            File.Delete(binary);
        }
    }

    private async Task<CloudflaredReleaseAsset> ReadAssetAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, release.ReleaseUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StallTimeout);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CloudflaredInstallException(
                $"GET {release.ReleaseUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}; the release of cloudflared {release.Version} could not be read.");
        }

        try
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false));
            return CloudflaredReleaseAsset.FromRelease(document.RootElement, release.AssetName, release.ReleaseUrl);
        }
        catch (JsonException ex)
        {
            throw new CloudflaredInstallException($"{release.ReleaseUrl} did not answer with a GitHub release: {ex.Message}", ex);
        }
    }

    private async Task DownloadAsync(CloudflaredReleaseAsset asset, string path, Func<ResourceStateSnapshot, Task> report, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(StallTimeout);
        using var response = await http.GetAsync(asset.DownloadUrl, HttpCompletionOption.ResponseHeadersRead, stall.Token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new CloudflaredInstallException($"GET {asset.DownloadUrl} answered {(int)response.StatusCode} {response.ReasonPhrase}.");
        }

        var total = response.Content.Headers.ContentLength ?? asset.Size;
        if (total > MaxDownloadBytes)
        {
            throw new CloudflaredInstallException($"{asset.Name} is {total} bytes, more than a cloudflared binary can be; it was not downloaded.");
        }

        await report(CloudflareTunnelStates.Downloading(0)).ConfigureAwait(false);
        await using var source = await response.Content.ReadAsStreamAsync(stall.Token).ConfigureAwait(false);
        await using var target = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long received = 0;
        var shown = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, stall.Token).ConfigureAwait(false)) > 0)
        {
            stall.CancelAfter(StallTimeout); // a stalled connection fails; a slow one does not
            received += read;
            if (received > MaxDownloadBytes || received > total)
            {
                throw new CloudflaredInstallException($"{asset.Name} is larger than announced ({total} bytes); it was not kept.");
            }

            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            if (total is > 0 && (int)(received * 100 / total.Value) is var percent && percent != shown)
            {
                shown = percent;
                await report(CloudflareTunnelStates.Downloading(percent)).ConfigureAwait(false);
            }
        }

        if (total is { } expected && received != expected)
        {
            throw new CloudflaredInstallException($"the download of {asset.Name} ended after {received} of {expected} bytes.");
        }
    }

    private static async Task VerifyAsync(string path, string expectedSha256, string what, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
        if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new CloudflaredInstallException($"the download does not match {what} (expected {expectedSha256}, got {actual}); it was refused.");
        }
    }

    /// <summary>Takes <c>cloudflared</c> out of the macOS <c>.tgz</c> (a gzipped tar with the binary at its top).</summary>
    private async Task ExtractBinaryAsync(string archive, string binary, CancellationToken cancellationToken)
    {
        try
        {
            await using var file = File.OpenRead(archive);
            await using var gzip = new GZipStream(file, CompressionMode.Decompress);
            await using var tar = new TarReader(gzip);
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && Path.GetFileName(entry.Name) == "cloudflared")
                {
                    await entry.ExtractToFileAsync(binary, overwrite: true, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw new CloudflaredInstallException($"{release.AssetName} is not a readable gzipped tar: {ex.Message}", ex);
        }

        throw new CloudflaredInstallException($"{release.AssetName} holds no cloudflared binary.");
    }

    /// <summary>Runs <c>cloudflared --version</c> and reads the version (<c>cloudflared version 2026.8.2 (built …)</c>).</summary>
    private static async Task<string> ReadVersionAsync(string binary, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(binary, "--version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(VersionTimeout);
        try
        {
            using var process = Process.Start(startInfo) ?? throw new CloudflaredInstallException("the downloaded cloudflared could not be started.");
            var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var errors = process.StandardError.ReadToEndAsync(timeout.Token);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                process.Kill(entireProcessTree: true);
                throw new CloudflaredInstallException($"the downloaded cloudflared did not answer --version within {VersionTimeout.TotalSeconds:0} s.");
            }

            var text = await output.ConfigureAwait(false) + await errors.ConfigureAwait(false);
            var match = VersionLine().Match(text);
            return match.Success
                ? match.Groups["version"].Value
                : throw new CloudflaredInstallException($"the downloaded binary does not report a cloudflared version ('{text.Trim().Split('\n')[0]}').");
        }
        catch (Win32Exception ex)
        {
            throw new CloudflaredInstallException($"the downloaded cloudflared could not be run on this machine: {ex.Message}", ex);
        }
    }

    /// <summary>Moves the verified binary into place, unless another AppHost has just done so.</summary>
    private void Keep(string binary)
    {
        try
        {
            File.Move(binary, release.ExecutablePath, overwrite: false);
        }
        catch (IOException) when (File.Exists(release.ExecutablePath))
        {
            // Another AppHost verified and kept the same release first (and may be running it).
        }
    }

    [GeneratedRegex(@"cloudflared version (?<version>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex VersionLine();
}
