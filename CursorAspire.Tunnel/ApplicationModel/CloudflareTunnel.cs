using CursorAspire.Tunnel.Install;
using CursorAspire.Tunnel.PublicUrl;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// One tunnel's configuration (target, quick or named) and its live public URL, shared by whichever resource runs it.
/// </summary>
/// <remarks>
/// A quick tunnel's URL is unknown until cloudflared prints it and changes on every start; a named tunnel's URL is
/// <c>https://hostname</c> from the beginning. Readers always see the latest URL.
/// </remarks>
public sealed class CloudflareTunnel
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource<Uri> _firstUrl = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _cannotOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _publicUrl;

    internal CloudflareTunnel(string resourceName, CloudflareTunnelRunner runner, string? unavailableReason)
    {
        ResourceName = resourceName;
        Runner = runner;
        UnavailableReason = unavailableReason;
    }

    /// <summary>The name of the tunnel resource.</summary>
    public string ResourceName { get; }

    /// <summary>How cloudflared runs (or that it does not).</summary>
    public CloudflareTunnelRunner Runner { get; }

    /// <summary>
    /// Why the tunnel was left out: when <see cref="Runner"/> is <see cref="CloudflareTunnelRunner.None"/>, or when the
    /// <see cref="Download"/> it needed failed.
    /// </summary>
    public string? UnavailableReason { get; private set; }

    /// <summary>
    /// The cloudflared release downloaded (and verified) before the tunnel's first start, because neither a container
    /// runtime nor a <c>cloudflared</c> executable was there; <see langword="null"/> when nothing needs downloading.
    /// </summary>
    public CloudflaredRelease? Download { get; internal init; }

    /// <summary>The HTTP endpoint the tunnel exposes.</summary>
    public EndpointReference? Target { get; internal set; }

    /// <summary>The named tunnel's public hostname; <see langword="null"/> for a quick tunnel.</summary>
    public string? NamedTunnelHostname { get; internal set; }

    /// <summary>The named tunnel's token (a secret parameter); <see langword="null"/> for a quick tunnel.</summary>
    public ParameterResource? NamedTunnelToken { get; internal set; }

    /// <summary>Whether this is a named tunnel (stable hostname, token) rather than a quick tunnel.</summary>
    public bool IsNamedTunnel => NamedTunnelHostname is not null;

    /// <summary>The path the health check requests through the tunnel.</summary>
    public string HealthCheckPath { get; internal set; } = "/health";

    /// <summary>The current public URL, or <see langword="null"/> until a quick tunnel has printed one.</summary>
    public Uri? PublicUrl
    {
        get
        {
            lock (_gate)
            {
                return _publicUrl;
            }
        }
    }

    /// <summary>What to paste into Cursor's "Override OpenAI Base URL": the public URL plus <c>/v1</c>.</summary>
    public Uri? CursorBaseUrl => PublicUrl is { } url ? CloudflareTunnelUrls.GetCursorBaseUrl(url) : null;

    /// <summary>The last quick-tunnel failure cloudflared logged, for the health check's message.</summary>
    internal string? LastError { get; set; }

    /// <summary>Completes when the tunnel cannot open: cloudflared logged that it got no quick tunnel, or could not be downloaded.</summary>
    internal Task CannotOpen => _cannotOpen.Task;

    internal CloudflareTunnelOptions Options { get; init; } = new();

    /// <summary>The runtime the container runs on, when <see cref="Runner"/> is <see cref="CloudflareTunnelRunner.Container"/>.</summary>
    internal string? ContainerRuntime { get; init; }

    internal int WatcherStarted;

    internal int WatchdogStarted;

    /// <summary>The watchdog, once the tunnel has been healthy; see <c>CloudflareTunnelWatchdog</c>.</summary>
    internal CursorAspire.Tunnel.Health.CloudflareTunnelWatchdog? Watchdog { get; set; }

    internal List<CloudflareTunnelDependent> Dependents { get; } = [];

    /// <summary>The dependents still running with another URL than <paramref name="current"/>.</summary>
    internal IReadOnlyList<CloudflareTunnelDependent> StaleDependents(Uri current)
    {
        lock (Dependents)
        {
            return [.. Dependents.Where(d => d.IsStale(current))];
        }
    }

    /// <summary>Records a public URL; returns false when it is the one already known.</summary>
    internal bool SetPublicUrl(Uri url)
    {
        lock (_gate)
        {
            if (_publicUrl == url)
            {
                return false;
            }

            _publicUrl = url;
        }

        _firstUrl.TrySetResult(url);
        return true;
    }

    internal void ReportQuickTunnelFailure(string line)
    {
        LastError = line;
        _cannotOpen.TrySetResult();
    }

    /// <summary>Records that the tunnel will not run after all (its download failed), releasing whoever waits for its URL.</summary>
    internal void ReportUnavailable(string reason)
    {
        UnavailableReason = reason;
        LastError = reason;
        _cannotOpen.TrySetResult();
    }

    /// <summary>Completes once the tunnel has any public URL.</summary>
    internal Task<Uri> WaitForPublicUrlAsync(CancellationToken cancellationToken) => _firstUrl.Task.WaitAsync(cancellationToken);
}
