using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CursorAspire.Tunnel;

/// <summary>
/// The AppHost services a tunnel's background work speaks through (the URL watcher and the watchdog): its resource's
/// log and state, its commands, and the AppHost console's logger.
/// </summary>
internal sealed class CloudflareTunnelServices
{
    public CloudflareTunnelServices(ICloudflareTunnelResource resource, IServiceProvider services)
    {
        Logs = services.GetRequiredService<ResourceLoggerService>();
        Notifications = services.GetRequiredService<ResourceNotificationService>();
        Commands = services.GetRequiredService<ResourceCommandService>();
        ResourceLogger = Logs.GetLogger(resource);
        ConsoleLogger = services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.Tunnel");
    }

    /// <summary>The resources' logs (the tunnel's own log is read for its quick-tunnel URL).</summary>
    public ResourceLoggerService Logs { get; }

    /// <summary>Resource states: published to the dashboard, waited on.</summary>
    public ResourceNotificationService Notifications { get; }

    /// <summary>The resources' commands (restart).</summary>
    public ResourceCommandService Commands { get; }

    /// <summary>The tunnel's own log, shown on its row in the dashboard.</summary>
    public ILogger ResourceLogger { get; }

    /// <summary>The AppHost console, where the public URL and every heal are announced.</summary>
    public ILogger ConsoleLogger { get; }
}
