using CursorAspire.Tunnel.PublicUrl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

// The public URL: read from cloudflared's log, shown on the tunnel, and handed to the resources that need it.
public static partial class CloudflareTunnelResourceBuilderExtensions
{
    /// <summary>The environment variable <see cref="WithTunnelPublicUrl{T}"/> sets unless told otherwise.</summary>
    public const string DefaultPublicUrlEnvironmentVariable = "Proxy__PublicBaseUrl";

    /// <summary>
    /// Gives this resource the tunnel's public URL (no trailing slash) in <paramref name="environmentVariable"/>.
    /// </summary>
    /// <remarks>
    /// A quick tunnel's URL is only known once cloudflared prints it, so this resource's start waits for it (up to
    /// <see cref="CloudflareTunnelOptions.PublicUrlWaitTimeout"/>, then starts without it). When the URL changes later
    /// (the tunnel restarted), this resource is restarted through Aspire's restart command so its environment carries the
    /// new URL, and the change is announced in the tunnel's log and the AppHost console. Do not make the tunnel
    /// <c>WaitFor</c> this resource: each would wait for the other.
    /// </remarks>
    /// <typeparam name="T">The resource's type.</typeparam>
    /// <param name="builder">The resource that needs the public URL, e.g. the proxy.</param>
    /// <param name="tunnel">The tunnel in front of it.</param>
    /// <param name="environmentVariable">The variable that carries the URL.</param>
    /// <returns>The resource's builder.</returns>
    public static IResourceBuilder<T> WithTunnelPublicUrl<T>(
        this IResourceBuilder<T> builder,
        IResourceBuilder<ICloudflareTunnelResource> tunnel,
        string environmentVariable = DefaultPublicUrlEnvironmentVariable)
        where T : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(tunnel);
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentVariable);

        var state = tunnel.Resource.Tunnel;
        var dependent = new CloudflareTunnelDependent(builder.Resource, environmentVariable);
        lock (state.Dependents)
        {
            state.Dependents.Add(dependent);
        }

        builder.WithEnvironment(context =>
        {
            if (context.ExecutionContext.IsPublishMode)
            {
                // Published, only a named tunnel exists, and its URL is known now; a quick tunnel is never published.
                if (state.IsNamedTunnel && state.PublicUrl is { } namedUrl)
                {
                    context.EnvironmentVariables[environmentVariable] = CloudflareTunnelUrls.ToEnvironmentValue(namedUrl);
                }

                return;
            }

            if (state.Runner == CloudflareTunnelRunner.None)
            {
                return; // a left-out tunnel has no working URL
            }

            var url = state.PublicUrl;
            dependent.RecordStart(url);
            if (url is not null)
            {
                context.EnvironmentVariables[environmentVariable] = CloudflareTunnelUrls.ToEnvironmentValue(url);
            }
        });

        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (e, ct) => WaitForFirstPublicUrlAsync(state, e, ct));
        return builder;
    }

    /// <summary>Follows the tunnel's log for its public URL from its first start on.</summary>
    private static IResourceBuilder<ICloudflareTunnelResource> WithPublicUrlWatcher(this IResourceBuilder<ICloudflareTunnelResource> builder)
    {
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeResourceStartedEvent>(builder.Resource, (e, _) =>
        {
            CloudflareTunnelUrlWatcher.EnsureStarted((ICloudflareTunnelResource)e.Resource, e.Services);
            return Task.CompletedTask;
        });
        return builder;
    }

    /// <summary>
    /// Holds a dependent's first start until the quick tunnel's URL is known, but no longer than the timeout, and not
    /// at all once cloudflared has said it cannot get a tunnel, could not be downloaded, or has exited (offline machines
    /// must not wait).
    /// </summary>
    private static async Task WaitForFirstPublicUrlAsync(CloudflareTunnel tunnel, BeforeResourceStartedEvent e, CancellationToken cancellationToken)
    {
        if (tunnel.Runner == CloudflareTunnelRunner.None || tunnel.PublicUrl is not null)
        {
            return;
        }

        var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(e.Resource);
        var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
        var timeout = tunnel.Options.PublicUrlWaitTimeout;
        logger.LogInformation("Waiting up to {Seconds} s for tunnel '{Tunnel}' to print its public URL.", timeout.TotalSeconds, tunnel.ResourceName);

        using var stopWaiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var url = tunnel.WaitForPublicUrlAsync(stopWaiting.Token);
        var ended = notifications.WaitForResourceAsync(
            tunnel.ResourceName, ev => KnownResourceStates.TerminalStates.Contains(ev.Snapshot.State?.Text), stopWaiting.Token);
        var timedOut = Task.Delay(timeout, e.Services.GetService<TimeProvider>() ?? TimeProvider.System, stopWaiting.Token);
        try
        {
            var first = await Task.WhenAny(url, tunnel.CannotOpen, ended, timedOut).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            if (first == url)
            {
                return;
            }

            var why = first == timedOut
                ? $"printed no public URL within {timeout.TotalSeconds} s"
                : $"could not open a tunnel ({tunnel.LastError ?? "cloudflared exited"})";
            logger.LogWarning("Tunnel '{Tunnel}' {Why}; starting without a public URL. This resource is restarted when a URL appears.", tunnel.ResourceName, why);
        }
        finally
        {
            await stopWaiting.CancelAsync().ConfigureAwait(false); // ends the waits that lost the race
        }
    }
}
