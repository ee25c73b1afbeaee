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
    private readonly TaskCompletionSource _quickTunnelFailed = new(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>Why the tunnel was left out, when <see cref="Runner"/> is <see cref="CloudflareTunnelRunner.None"/>.</summary>
    public string? UnavailableReason { get; }

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

    /// <summary>Completes when cloudflared has logged that it could not get a quick tunnel.</summary>
    internal Task QuickTunnelFailed => _quickTunnelFailed.Task;

    internal CloudflareTunnelOptions Options { get; init; } = new();

    internal int WatcherStarted;

    internal List<CloudflareTunnelDependent> Dependents { get; } = [];

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
        _quickTunnelFailed.TrySetResult();
    }

    /// <summary>Completes once the tunnel has any public URL.</summary>
    internal Task<Uri> WaitForPublicUrlAsync(CancellationToken cancellationToken) => _firstUrl.Task.WaitAsync(cancellationToken);
}
