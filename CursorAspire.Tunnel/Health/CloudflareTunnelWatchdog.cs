using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel.Health;

/// <summary>
/// Heals a tunnel whose public URL died while cloudflared lives on (a laptop's sleep drops a quick tunnel at
/// Cloudflare's edge) or whose cloudflared exited: from the tunnel's first healthy start on it requests
/// <c>GET &lt;public URL&gt;/health</c> every <see cref="CloudflareTunnelOptions.HealthPollInterval"/>, and after
/// <see cref="CloudflareTunnelOptions.RestartAfterFailures"/> failures in a row restarts cloudflared.
/// </summary>
/// <remarks>
/// A quick tunnel comes back with a new URL, which <c>CloudflareTunnelUrlWatcher</c> announces and hands to the
/// dependents; a named tunnel keeps its URL. The tunnel turns healthy again only through the public URL, which fires
/// its ready event again (so "Check as Cursor" runs again). While a restart does not help (no network), the restarts
/// back off: at least 1 min apart, doubling to 10 min. Each one and why is logged on the tunnel, in the AppHost
/// console and in the tunnel's <see cref="CloudflareTunnelStates.HealsProperty"/>.
/// </remarks>
internal sealed class CloudflareTunnelWatchdog
{
    /// <summary>How long a restarted tunnel may take to be healthy through its (new) public URL.</summary>
    internal static readonly TimeSpan HealTimeout = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(10);

    private readonly ICloudflareTunnelResource _resource;
    private readonly CloudflareTunnel _tunnel;
    private readonly CloudflareTunnelServices _host;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private TaskCompletionSource _ready = NewSignal();

    private CloudflareTunnelWatchdog(ICloudflareTunnelResource resource, IServiceProvider services)
    {
        _resource = resource;
        _tunnel = resource.Tunnel;
        _host = new CloudflareTunnelServices(resource, services);
        _httpClientFactory = services.GetRequiredService<IHttpClientFactory>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
    }

    /// <summary>Tells the watchdog the tunnel is healthy after a start; starts it the first time.</summary>
    public static void OnTunnelReady(ICloudflareTunnelResource resource, IServiceProvider services)
    {
        var tunnel = resource.Tunnel;
        if (Interlocked.Exchange(ref tunnel.WatchdogStarted, 1) == 0)
        {
            var watchdog = new CloudflareTunnelWatchdog(resource, services);
            tunnel.Watchdog = watchdog;
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => watchdog.RunAsync(stopping), CancellationToken.None);
        }

        tunnel.Watchdog?._ready.TrySetResult();
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        var options = _tunnel.Options;
        var failures = 0;
        var heals = 0;
        var pause = TimeSpan.Zero;
        var notBefore = DateTimeOffset.MinValue;
        _host.ResourceLogger.LogInformation(
            "Watching the public URL: GET {HealthPath} through it every {Interval} s; cloudflared is restarted after {Failures} failures in a row.",
            _tunnel.HealthCheckPath, options.HealthPollInterval.TotalSeconds, options.RestartAfterFailures);
        try
        {
            using var timer = new PeriodicTimer(options.HealthPollInterval, _time);
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                var failure = await CheckAsync(stopping).ConfigureAwait(false);
                if (failure is null)
                {
                    if (failures > 0)
                    {
                        _host.ResourceLogger.LogInformation("The public URL answers again.");
                    }

                    failures = 0;
                    continue;
                }

                if (failure.Length == 0)
                {
                    continue; // starting or stopping: neither a failure nor a success
                }

                failures++;
                _host.ResourceLogger.LogWarning("Public URL check {Failure}/{Failures} failed: {Reason}", failures, options.RestartAfterFailures, failure);
                if (failures < options.RestartAfterFailures || _time.GetUtcNow() < notBefore)
                {
                    continue;
                }

                failures = 0;
                var healed = await HealAsync(++heals, failure, stopping).ConfigureAwait(false);
                pause = healed ? TimeSpan.Zero : pause == TimeSpan.Zero ? FirstPause : Min(pause + pause, LongestPause);
                notBefore = _time.GetUtcNow() + pause;
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // The watchdog must never take the AppHost down; the tunnel can still be restarted from the dashboard.
            _host.ConsoleLogger.LogError(ex, "Stopped watching the public URL of tunnel '{Tunnel}': {Message}", _resource.Name, ex.Message);
        }
    }

    /// <summary><see langword="null"/> when the public URL answered; empty while the tunnel is starting or stopping; else the failure.</summary>
    private async Task<string?> CheckAsync(CancellationToken cancellationToken)
    {
        var state = _host.Notifications.TryGetCurrentState(_resource.Name, out var current) ? current.Snapshot.State?.Text : null;
        if (KnownResourceStates.TerminalStates.Contains(state))
        {
            return $"cloudflared is not running ({state})";
        }

        if (state != KnownResourceStates.Running || _tunnel.PublicUrl is not { } publicUrl)
        {
            return string.Empty;
        }

        var client = _httpClientFactory.CreateClient(CloudflareTunnelHealthCheck.HttpClientName);
        var probe = CloudflareTunnelProbe.For(_tunnel, publicUrl);
        return await CloudflareTunnelProbe.FailureAsync(client, probe, _time, cancellationToken).ConfigureAwait(false) is { } failure
            ? $"GET {probe}: {failure}"
            : null;
    }

    /// <summary>Restarts cloudflared and waits for the tunnel to be healthy again; true when it is.</summary>
    private async Task<bool> HealAsync(int heal, string failure, CancellationToken stopping)
    {
        var started = _time.GetUtcNow();
        var what = _tunnel.IsNamedTunnel ? "it keeps its URL" : "a quick tunnel comes back with a new URL";
        _host.ResourceLogger.LogWarning("The public URL failed {Failures} checks in a row (last: {Failure}); restarting cloudflared ({What}).", _tunnel.Options.RestartAfterFailures, failure, what);
        _host.ConsoleLogger.LogWarning("Tunnel '{Tunnel}' stopped answering at its public URL ({Failure}); restarting cloudflared ({What}).", _resource.Name, failure, what);
        await PublishAsync($"{heal} (last at {started.ToLocalTime():HH:mm:ss}: {failure})").ConfigureAwait(false);

        var ready = _ready = NewSignal();
        var running = _host.Notifications.TryGetCurrentState(_resource.Name, out var current) && !KnownResourceStates.TerminalStates.Contains(current.Snapshot.State?.Text);
        var result = await _host.Commands.ExecuteCommandAsync(_resource, running ? KnownResourceCommands.RestartCommand : KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
        if (!result.Success)
        {
            _host.ResourceLogger.LogError("Could not restart cloudflared: {Message}. Restart the tunnel from the dashboard.", result.Message);
            return false;
        }

        try
        {
            await ready.Task.WaitAsync(HealTimeout, _time, stopping).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            _host.ResourceLogger.LogWarning("The tunnel is not healthy {Minutes} min after the restart; trying again after further failures, less often.", HealTimeout.TotalMinutes);
            return false;
        }

        var took = (_time.GetUtcNow() - started).TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        _host.ResourceLogger.LogInformation("Healed: the public URL {Url} answers again, {Seconds} s after the restart.", _tunnel.PublicUrl, took);
        _host.ConsoleLogger.LogInformation("Tunnel '{Tunnel}' healed in {Seconds} s: {Url} answers.", _resource.Name, took, _tunnel.PublicUrl);
        await PublishAsync($"{heal} (last at {started.ToLocalTime():HH:mm:ss}: {failure}; healed in {took} s)").ConfigureAwait(false);
        return true;
    }

    private Task PublishAsync(string text) =>
        _host.Notifications.PublishUpdateAsync(_resource, s => s with
        {
            Properties = s.Properties
                .RemoveAll(p => p.Name == CloudflareTunnelStates.HealsProperty)
                .Add(new ResourcePropertySnapshot(CloudflareTunnelStates.HealsProperty, text) { DisplayName = "Restarts by the watchdog" }),
        });

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
