namespace Aspire.Hosting.ApplicationModel;

/// <summary>The dashboard states a tunnel shows besides the orchestrator's own (Starting, Running, …).</summary>
public static class CloudflareTunnelStates
{
    /// <summary>The prefix every download progress state starts with.</summary>
    public const string DownloadingPrefix = "Downloading cloudflared ";

    /// <summary>The resource property that counts the watchdog's restarts of cloudflared and says why the last one came.</summary>
    public const string HealsProperty = "tunnel.heals";

    /// <summary>The resource property that says why the tunnel is unavailable.</summary>
    public const string UnavailableReasonProperty = "tunnel.unavailable";

    /// <summary>Left out: nothing can run cloudflared here (the reason is in <see cref="UnavailableReasonProperty"/> and the log).</summary>
    public static readonly ResourceStateSnapshot Unavailable = new("Unavailable", KnownResourceStateStyles.Warn);

    /// <summary>The downloaded cloudflared is being checked (checksum, reported version).</summary>
    public static readonly ResourceStateSnapshot Verifying = new("Verifying cloudflared", KnownResourceStateStyles.Info);

    /// <summary>Download progress on first run, e.g. "Downloading cloudflared 42%".</summary>
    public static ResourceStateSnapshot Downloading(int percent) => new($"{DownloadingPrefix}{percent}%", KnownResourceStateStyles.Info);
}
