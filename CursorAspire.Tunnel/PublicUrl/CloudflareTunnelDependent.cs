namespace CursorAspire.Tunnel.PublicUrl;

/// <summary>A resource that receives the tunnel's public URL in an environment variable.</summary>
/// <remarks>
/// Environment variables are fixed when a process starts, so the URL the dependent was last started with is
/// remembered: when the tunnel's URL moves on, a dependent holding an older one is restarted.
/// </remarks>
internal sealed class CloudflareTunnelDependent(IResource resource, string environmentVariable)
{
    private readonly Lock _gate = new();
    private bool _started;
    private Uri? _startedWith;

    public IResource Resource { get; } = resource;

    public string EnvironmentVariable { get; } = environmentVariable;

    public void RecordStart(Uri? url)
    {
        lock (_gate)
        {
            _started = true;
            _startedWith = url;
        }
    }

    /// <summary>Whether the dependent is running with something other than <paramref name="current"/>.</summary>
    public bool IsStale(Uri current)
    {
        lock (_gate)
        {
            return _started && _startedWith != current;
        }
    }
}
