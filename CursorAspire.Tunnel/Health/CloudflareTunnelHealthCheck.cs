using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CursorAspire.Tunnel.Health;

/// <summary>
/// Healthy once the tunnel's public URL answers the target's health path (<c>GET /health</c>) through Cloudflare,
/// which proves the whole path Cursor's servers will use: DNS, Cloudflare's edge, cloudflared, the target.
/// </summary>
/// <remarks>
/// Each run tries a few times (a quick tunnel's hostname can take seconds to resolve) and then reports what to check.
/// The probe uses the named HTTP client <see cref="HttpClientName"/>, so a test can route the public hostname to a
/// loopback stand-in with a message handler without the check knowing.
/// </remarks>
internal sealed class CloudflareTunnelHealthCheck(CloudflareTunnel tunnel, IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
    : IHealthCheck
{
    /// <summary>The named <see cref="HttpClient"/> the probe uses.</summary>
    public const string HttpClientName = CloudflareTunnelResourceBuilderExtensions.HealthCheckHttpClientName;

    internal const int Attempts = 3;

    internal static readonly TimeSpan AttemptTimeout = CloudflareTunnelProbe.Timeout;

    internal static readonly TimeSpan DelayBetweenAttempts = TimeSpan.FromSeconds(1);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var publicUrl = tunnel.PublicUrl;
        if (publicUrl is null)
        {
            var why = tunnel.LastError is { } error ? $" cloudflared reported: {error}." : "";
            return HealthCheckResult.Unhealthy(
                $"cloudflared has not printed a public URL yet.{why} Check the '{tunnel.ResourceName}' console log for "
                + "'Your quick Tunnel has been created!'; without it, check outbound internet access (HTTPS and port 7844 to Cloudflare).");
        }

        // A new quick-tunnel URL is only usable once the resources that publish it (the proxy) carry it: until their
        // restart is done the path Cursor's servers take is not the one they were told about.
        if (tunnel.StaleDependents(publicUrl) is { Count: > 0 } stale)
        {
            return HealthCheckResult.Unhealthy(
                $"The public URL is new ({publicUrl}); waiting for {string.Join(", ", stale.Select(d => $"'{d.Resource.Name}'"))} to restart with it.");
        }

        var probe = CloudflareTunnelProbe.For(tunnel, publicUrl);
        var client = httpClientFactory.CreateClient(HttpClientName);
        string lastFailure = "no attempt made";
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            if (attempt > 1)
            {
                await Task.Delay(DelayBetweenAttempts, timeProvider, cancellationToken).ConfigureAwait(false);
            }

            if (await CloudflareTunnelProbe.FailureAsync(client, probe, timeProvider, cancellationToken).ConfigureAwait(false) is not { } failure)
            {
                return HealthCheckResult.Healthy($"GET {probe} answered through the tunnel.");
            }

            lastFailure = failure;
        }

        var target = tunnel.Target is { } endpoint ? $"'{endpoint.Resource.Name}' ({endpoint.EndpointName} endpoint)" : "the target";
        return HealthCheckResult.Unhealthy(
            $"GET {probe} did not succeed through the tunnel after {Attempts} attempts (last: {lastFailure}). "
            + $"Check that {target} is running and answers GET {tunnel.HealthCheckPath} locally, that the '{tunnel.ResourceName}' log shows "
            + "'Registered tunnel connection', and, for a new quick tunnel, allow a few seconds for its hostname to resolve "
            + "(HTTP 530 / error 1033 means Cloudflare has no live tunnel for this hostname; 502 means cloudflared cannot reach the target).");
    }
}
