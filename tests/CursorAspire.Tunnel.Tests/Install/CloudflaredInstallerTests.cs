using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace CursorAspire.Tunnel.Tests.Install;

/// <summary>
/// The first-run download against the release-server stand-in, which serves the cloudflared stand-in as this platform's
/// release asset: what is kept, what is refused, and what the dashboard is told on the way.
/// </summary>
public sealed class CloudflaredInstallerTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _cache = Directory.CreateTempSubdirectory("cursoraspire-cloudflared-cache-");
    private readonly List<string> _states = [];

    public void Dispose() => _cache.Delete(recursive: true);

    private CloudflaredRelease Release(CloudflaredReleaseServer server, string? version = null) =>
        CloudflaredRelease.For(MachinePlatform.Current, version ?? server.Version, server.ReleasesUrl, _cache.FullName)!;

    private async Task<string> InstallAsync(CloudflaredRelease release)
    {
        using var deadline = new CancellationTokenSource(Deadline);
        using var http = new HttpClient();
        return await new CloudflaredInstaller(release, http, NullLogger.Instance).InstallAsync(
            state =>
            {
                _states.Add(state.Text);
                return Task.CompletedTask;
            },
            deadline.Token);
    }

    private string[] FilesInCache() => Directory.GetFiles(_cache.FullName, "*", SearchOption.AllDirectories);

    [Fact]
    public async Task DownloadsVerifiesAndKeepsThePinnedReleaseForThisPlatform()
    {
        await using var server = await CloudflaredReleaseServer.StartAsync();
        var release = Release(server);

        var path = await InstallAsync(release);

        Assert.Equal(Path.Combine(_cache.FullName, PinnedVersions.Cloudflared, CloudflaredRelease.ExecutableName(MachinePlatform.Current)), path);
        Assert.Equal([path], FilesInCache()); // no partial download left behind
        Assert.Equal(1, server.Downloads);
        Assert.Contains($"cloudflared version {PinnedVersions.Cloudflared} ", await RunAsync(path, "--version"), StringComparison.Ordinal);

        // What the dashboard showed: the download's progress like a model pull, then the verification.
        Assert.Equal("Downloading cloudflared 0%", _states[0]);
        Assert.Contains("Downloading cloudflared 100%", _states);
        Assert.Contains(_states, s => s.StartsWith(CloudflareTunnelStates.DownloadingPrefix, StringComparison.Ordinal) && s is not ("Downloading cloudflared 0%" or "Downloading cloudflared 100%"));
        Assert.Equal(CloudflareTunnelStates.Verifying.Text, _states[^1]);
    }

    [Fact]
    public async Task ACorruptDownloadIsRefusedAndNothingIsKept()
    {
        await using var server = await CloudflaredReleaseServer.StartAsync(corrupt: true);

        var error = await Assert.ThrowsAsync<CloudflaredInstallException>(() => InstallAsync(Release(server)));

        Assert.Contains("does not match", error.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        Assert.Empty(FilesInCache());
    }

    [Fact]
    public async Task AServerThatIsDownFailsAtOnceSayingWhat()
    {
        var server = await CloudflaredReleaseServer.StartAsync();
        var release = Release(server);
        await server.DisposeAsync();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<CloudflaredInstallException>(() => InstallAsync(release));

        Assert.StartsWith($"downloading cloudflared {PinnedVersions.Cloudflared} failed: ", error.Message, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.True(clock.Elapsed < CloudflaredInstaller.StallTimeout, $"took {clock.Elapsed}");
        Assert.Empty(FilesInCache());
    }

    [Fact]
    public async Task ABinaryThatReportsAnotherVersionIsRefused()
    {
        // A release tagged 2099.1.0 whose asset is the stand-in, which reports the pinned version.
        await using var server = await CloudflaredReleaseServer.StartAsync(version: "2099.1.0");

        var error = await Assert.ThrowsAsync<CloudflaredInstallException>(() => InstallAsync(Release(server)));

        Assert.Contains($"reports version {PinnedVersions.Cloudflared}, not 2099.1.0", error.Message, StringComparison.Ordinal);
        Assert.Empty(FilesInCache());
    }

    [Fact]
    public async Task AReleaseThatIsNotThereIsReportedWithTheAddressAsked()
    {
        await using var server = await CloudflaredReleaseServer.StartAsync();

        var error = await Assert.ThrowsAsync<CloudflaredInstallException>(() => InstallAsync(Release(server, version: "2020.1.0")));

        Assert.Contains($"{server.ReleasesUrl}/tags/2020.1.0 answered 404", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Downloads);
    }

    [Fact]
    public async Task WithoutPublishedChecksumsTheReportedVersionStillDecides()
    {
        await using var server = await CloudflaredReleaseServer.StartAsync(publishChecksums: false);

        var path = await InstallAsync(Release(server));

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task AKeptBinaryIsNotReplacedByALaterDownload()
    {
        await using var server = await CloudflaredReleaseServer.StartAsync();
        var release = Release(server);
        var first = await InstallAsync(release);
        var written = File.GetLastWriteTimeUtc(first);

        var second = await InstallAsync(release); // e.g. a second AppHost that started before the first had finished

        Assert.Equal(first, second);
        Assert.Equal(written, File.GetLastWriteTimeUtc(second));
        Assert.Equal([first], FilesInCache());
    }

    private static async Task<string> RunAsync(string path, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(path, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }
}
