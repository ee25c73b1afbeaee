using Aspire.Hosting.ApplicationModel;
using Garnet;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Cache;

/// <summary>Starts the embedded Garnet server for a <see cref="GarnetResource"/> and stops it with the AppHost.</summary>
internal sealed class GarnetServerHost(GarnetResource resource, ResourceNotificationService notifications, ILogger logger, TimeProvider timeProvider)
{
    /// <summary>Starts Garnet and publishes the resource as Running; its health check then decides readiness.</summary>
    /// <returns>The server, to be disposed when the AppHost stops.</returns>
    public async Task<IDisposable?> StartAsync()
    {
        await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
        try
        {
            var port = resource.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            // Memory only: a cache of model answers is not worth a disk, and nothing else may share its files.
            var server = new GarnetServer(["--port", port, "--bind", GarnetResource.Host, "--lua", "true"]);
            server.Start();
            logger.LogInformation("Embedded Garnet (Redis-compatible) listening on {Host}:{Port}.", GarnetResource.Host, resource.Port);
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            }).ConfigureAwait(false);
            return server;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Embedded Garnet could not start on port {Port}: {Message}", resource.Port, ex.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            return null;
        }
    }
}
