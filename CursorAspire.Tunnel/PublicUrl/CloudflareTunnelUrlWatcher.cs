using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel.PublicUrl;

/// <summary>
/// Follows a tunnel's log for the quick-tunnel URL and, each time a new one appears, shows it on the resource,
/// announces it, and restarts the dependents that were started with an older one.
/// </summary>
/// <remarks>
/// Started once, when the tunnel first starts; the log stream continues across restarts of the tunnel, so a
/// restart's new banner is read in order after the old one. The URL becomes a <see cref="ResourceUrlAnnotation"/>
/// (snapshots are rebuilt from annotations at every state change, so a URL only published would vanish) and is
/// published at once so the dashboard need not wait for the next state change.
/// </remarks>
internal sealed partial class CloudflareTunnelUrlWatcher
{
    internal const string PublicUrlDisplayText = "Public URL";

    internal const string CursorBaseUrlDisplayText = "Cursor: Override OpenAI Base URL";

    private readonly ICloudflareTunnelResource _resource;
    private readonly CloudflareTunnel _tunnel;
    private readonly CloudflareTunnelServices _host;

    private CloudflareTunnelUrlWatcher(ICloudflareTunnelResource resource, IServiceProvider services)
    {
        _resource = resource;
        _tunnel = resource.Tunnel;
        _host = new CloudflareTunnelServices(resource, services);
    }

    /// <summary>Starts following the tunnel's log unless already doing so; returns at once.</summary>
    public static void EnsureStarted(ICloudflareTunnelResource resource, IServiceProvider services)
    {
        if (Interlocked.Exchange(ref resource.Tunnel.WatcherStarted, 1) == 1)
        {
            return;
        }

        var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var watcher = new CloudflareTunnelUrlWatcher(resource, services);
        _ = Task.Run(() => watcher.RunAsync(stopping), CancellationToken.None);
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var parser = new CloudflaredLogParser();
        try
        {
            await foreach (var batch in _host.Logs.WatchAsync(_resource).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                foreach (var line in batch)
                {
                    if (parser.TryReadPublicUrl(line.Content, out var url))
                    {
                        await OnPublicUrlAsync(url, cancellationToken).ConfigureAwait(false);
                    }
                    else if (CloudflaredLogParser.IsQuickTunnelFailure(line.Content))
                    {
                        _tunnel.ReportQuickTunnelFailure(LeadingTimestamp().Replace(line.Content, "").Trim());
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The watcher must never take the AppHost down; the health check will report the missing URL.
            _host.ConsoleLogger.LogError(ex, "Stopped reading the public URL of tunnel '{Tunnel}' from its log.", _resource.Name);
        }
    }

    private async Task OnPublicUrlAsync(Uri url, CancellationToken cancellationToken)
    {
        var previous = _tunnel.PublicUrl;
        if (!_tunnel.SetPublicUrl(url))
        {
            return;
        }

        _tunnel.LastError = null;
        ShowOnResource(_resource, url);
        await _host.Notifications.PublishUpdateAsync(_resource, s => s with { Urls = WithTunnelUrls(s.Urls, url) }).ConfigureAwait(false);
        Announce(previous, url);
        await RestartStaleDependentsAsync(url, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Adds the URL annotations the first time, then only updates them (the annotation collection is thread-safe,
    /// and later changes touch no collection at all).
    /// </summary>
    internal static void ShowOnResource(IResource resource, Uri publicUrl)
    {
        var cursorBaseUrl = CloudflareTunnelUrls.GetCursorBaseUrl(publicUrl).ToString();
        var publicText = CloudflareTunnelUrls.ToEnvironmentValue(publicUrl);
        var annotations = resource.Annotations.OfType<ResourceUrlAnnotation>().ToList();
        var publicAnnotation = annotations.FirstOrDefault(a => a.Endpoint is null && a.DisplayText == PublicUrlDisplayText);
        var cursorAnnotation = annotations.FirstOrDefault(a => a.Endpoint is null && a.DisplayText == CursorBaseUrlDisplayText);
        if (publicAnnotation is null)
        {
            resource.Annotations.Add(new ResourceUrlAnnotation { Url = publicText, DisplayText = PublicUrlDisplayText });
        }
        else
        {
            publicAnnotation.Url = publicText;
        }

        if (cursorAnnotation is null)
        {
            resource.Annotations.Add(new ResourceUrlAnnotation { Url = cursorBaseUrl, DisplayText = CursorBaseUrlDisplayText });
        }
        else
        {
            cursorAnnotation.Url = cursorBaseUrl;
        }
    }

    private static ImmutableArray<UrlSnapshot> WithTunnelUrls(ImmutableArray<UrlSnapshot> urls, Uri publicUrl)
    {
        var kept = urls.Where(u => u.DisplayProperties.DisplayName is not (PublicUrlDisplayText or CursorBaseUrlDisplayText));
        return
        [
            .. kept,
            new UrlSnapshot(null, CloudflareTunnelUrls.ToEnvironmentValue(publicUrl), IsInternal: false)
            {
                DisplayProperties = new UrlDisplayPropertiesSnapshot(PublicUrlDisplayText, 0),
            },
            new UrlSnapshot(null, CloudflareTunnelUrls.GetCursorBaseUrl(publicUrl).ToString(), IsInternal: false)
            {
                DisplayProperties = new UrlDisplayPropertiesSnapshot(CursorBaseUrlDisplayText, 0),
            },
        ];
    }

    private void Announce(Uri? previous, Uri url)
    {
        var publicText = CloudflareTunnelUrls.ToEnvironmentValue(url);
        var cursorBaseUrl = CloudflareTunnelUrls.GetCursorBaseUrl(url);
        if (previous is null)
        {
            _host.ResourceLogger.LogInformation("Public URL: {PublicUrl}. In Cursor set 'Override OpenAI Base URL' to {CursorBaseUrl}", publicText, cursorBaseUrl);
            _host.ConsoleLogger.LogInformation("Tunnel '{Tunnel}' is at {PublicUrl}. In Cursor set 'Override OpenAI Base URL' to {CursorBaseUrl}", _resource.Name, publicText, cursorBaseUrl);
        }
        else
        {
            _host.ResourceLogger.LogWarning("Public URL changed to {PublicUrl} (was {Previous}). Update Cursor's 'Override OpenAI Base URL' to {CursorBaseUrl}", publicText, CloudflareTunnelUrls.ToEnvironmentValue(previous), cursorBaseUrl);
            _host.ConsoleLogger.LogWarning("Tunnel '{Tunnel}' has a new URL {PublicUrl} (was {Previous}). Update Cursor's 'Override OpenAI Base URL' to {CursorBaseUrl}", _resource.Name, publicText, CloudflareTunnelUrls.ToEnvironmentValue(previous), cursorBaseUrl);
        }
    }

    private async Task RestartStaleDependentsAsync(Uri url, CancellationToken cancellationToken)
    {
        foreach (var dependent in _tunnel.StaleDependents(url))
        {
            _host.ConsoleLogger.LogInformation("Restarting '{Dependent}' so that {Variable} carries the new public URL of tunnel '{Tunnel}'.", dependent.Resource.Name, dependent.EnvironmentVariable, _resource.Name);
            var result = await _host.Commands.ExecuteCommandAsync(dependent.Resource, KnownResourceCommands.RestartCommand, cancellationToken).ConfigureAwait(false);
            if (!result.Success)
            {
                _host.ConsoleLogger.LogWarning("Could not restart '{Dependent}' ({Error}); restart it by hand so it gets {PublicUrl}.", dependent.Resource.Name, result.Message, CloudflareTunnelUrls.ToEnvironmentValue(url));
            }
        }
    }

    // The orchestrator's own timestamp in front of a captured line; the failure message reads better without it.
    [System.Text.RegularExpressions.GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T[\d:.]+Z\s+")]
    private static partial System.Text.RegularExpressions.Regex LeadingTimestamp();
}
