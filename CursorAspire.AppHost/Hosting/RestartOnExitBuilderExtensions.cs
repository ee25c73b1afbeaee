using CursorAspire.AppHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Keeps a resource running: started again, with backoff, when it exits by itself.</summary>
public static class RestartOnExitBuilderExtensions
{
    /// <summary>
    /// Restarts the resource when it exits by itself (crash, out-of-memory kill, a container stopped from outside the
    /// AppHost) after a backoff (<see cref="RestartBackoff.Default"/>: 1 s, doubling to 1 min); a stop asked for from
    /// the dashboard stays a stop. Each restart and its reason show in the resource's log, its <c>Restarts</c>
    /// property and the AppHost console.
    /// </summary>
    /// <typeparam name="T">The resource's type, a process or a container.</typeparam>
    /// <param name="builder">The resource.</param>
    /// <param name="backoff">The waits before restarts; <see cref="RestartBackoff.Default"/> when null.</param>
    /// <returns>The resource's builder.</returns>
    public static IResourceBuilder<T> WithRestartOnExit<T>(this IResourceBuilder<T> builder, RestartBackoff? backoff = null)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder; // a deployment's own orchestrator restarts what it runs
        }
        var resource = builder.Resource;
        builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((e, ct) =>
        {
            var services = e.Services;
            var restarter = new ResourceRestarter(
                resource,
                backoff ?? RestartBackoff.Default,
                services.GetRequiredService<ResourceNotificationService>(),
                services.GetRequiredService<ResourceCommandService>(),
                services.GetRequiredService<ResourceLoggerService>().GetLogger(resource),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("CursorAspire.AppHost"),
                services.GetService<TimeProvider>() ?? TimeProvider.System);
            var stopping = services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            _ = Task.Run(() => restarter.RunAsync(stopping), CancellationToken.None);
            return Task.CompletedTask;
        });
        return builder;
    }
}
