namespace CursorAspire.Tunnel.Health;

/// <summary>
/// One <c>GET &lt;public URL&gt;&lt;health path&gt;</c> through Cloudflare, the path Cursor's servers take, with its own
/// timeout: what the tunnel's health check and its watchdog each ask.
/// </summary>
internal static class CloudflareTunnelProbe
{
    /// <summary>The longest one request may take.</summary>
    internal static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Requests <paramref name="probe"/>; <see langword="null"/> when it answered 2xx, else what went wrong, in words.</summary>
    public static async Task<string?> FailureAsync(HttpClient client, Uri probe, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            using var response = await client.GetAsync(probe, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null
                : (int)response.StatusCode == 530 ? "HTTP 530 (Cloudflare has no tunnel connected for this hostname, error 1033)"
                : $"HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {Timeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>The URL to request: the tunnel's public URL plus its health path.</summary>
    public static Uri For(CloudflareTunnel tunnel, Uri publicUrl) => new(publicUrl, tunnel.HealthCheckPath);
}
