using CursorAspire.Tunnel.Install;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

// First run with neither a container runtime nor cloudflared: download the pinned release, verify it, then start the
// tunnel with it. Until then the tunnel waits (explicit start) and shows the download as its state.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>
    /// The named <see cref="HttpClient"/> that reads cloudflared's release from GitHub's API and downloads its asset.
    /// Configure it with <c>builder.Services.AddHttpClient(DownloadHttpClientName)</c>, e.g. to add a proxy.
    /// </summary>
    public const string DownloadHttpClientName = "CursorAspire.Tunnel.Download";

    private static IResourceBuilder<ICloudflareTunnelResource> WithDownloadBeforeFirstStart(
        this IResourceBuilder<ICloudflareTunnelResource> builder, CloudflaredRelease release, Func<string, string> reasonIfItFails)
    {
        builder.ApplicationBuilder.Services.AddHttpClient(DownloadHttpClientName, http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan; // the installer fails a stalled download itself; a slow one may take minutes
            http.DefaultRequestHeaders.UserAgent.ParseAdd("CursorAspire-AppHost"); // GitHub's API refuses requests without one
        }).RemoveAllLoggers();

        return builder
            .WithExplicitStart() // started below, once the binary is there
            .OnInitializeResource((resource, e, ct) => DownloadThenStartAsync(resource, release, reasonIfItFails, e, ct));
    }

    private static async Task DownloadThenStartAsync(
        ICloudflareTunnelResource resource, CloudflaredRelease release, Func<string, string> reasonIfItFails, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        var tunnel = resource.Tunnel;
        try
        {
            // The orchestrator first shows an explicitly started resource as NotStarted; a state published before that
            // would be overwritten.
            await e.Notifications.WaitForResourceAsync(resource.Name, ev => ev.Snapshot.State?.Text == KnownResourceStates.NotStarted, cancellationToken)
                .ConfigureAwait(false);
            e.Logger.LogInformation(
                "cloudflared is not installed and no container runtime is used: downloading the official release {Version} ({Asset}).",
                release.Version, release.AssetName);
            var http = e.Services.GetRequiredService<IHttpClientFactory>().CreateClient(DownloadHttpClientName);
            string? shown = null;
            await new CloudflaredInstaller(release, http, e.Logger).InstallAsync(
                async state =>
                {
                    // Progress comes many times a second; only a change of the visible text is worth an update.
                    if (state.Text != shown)
                    {
                        shown = state.Text;
                        await e.Notifications.PublishUpdateAsync(resource, s => s with { State = state }).ConfigureAwait(false);
                    }
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return; // the AppHost is stopping
        }
        catch (Exception ex)
        {
            var failure = ex is CloudflaredInstallException ? ex.Message : $"downloading cloudflared {release.Version} failed: {ex.Message}";
            tunnel.ReportUnavailable(reasonIfItFails(failure));
            await e.Notifications.PublishUpdateAsync(resource, s => s with
            {
                State = CloudflareTunnelStates.Unavailable,
                Properties = [.. s.Properties.Where(p => p.Name != CloudflareTunnelStates.UnavailableReasonProperty), new(CloudflareTunnelStates.UnavailableReasonProperty, tunnel.UnavailableReason)],
            }).ConfigureAwait(false);
            WarnLeftOut(tunnel, e.Logger, e.Services);
            return;
        }

        var started = await e.Services.GetRequiredService<ResourceCommandService>()
            .ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellationToken).ConfigureAwait(false);
        if (!started.Success && !cancellationToken.IsCancellationRequested)
        {
            e.Logger.LogError("cloudflared was downloaded but the tunnel could not be started: {Error}", started.Message);
        }
    }
}
