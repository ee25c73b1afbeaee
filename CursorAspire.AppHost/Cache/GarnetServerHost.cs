using Aspire.Hosting.ApplicationModel;
using Garnet;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Cache;

/// <summary>Starts the embedded Garnet server for a <see cref="GarnetResource"/> and stops it with the AppHost.</summary>
internal sealed class GarnetServerHost(GarnetResource resource, ResourceNotificationService notifications, ILogger logger, TimeProvider timeProvider)
{
    /// <summary>Starts Garnet and publishes the resource as Running; its health check then decides readiness.</summary>
    /// <param name="cancellationToken">Stops waiting for the password's value.</param>
    /// <returns>The server, to be disposed when the AppHost stops.</returns>
    public async Task<IDisposable?> StartAsync(CancellationToken cancellationToken)
    {
        await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);
        try
        {
            var port = resource.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            var password = await resource.PasswordParameter.GetValueAsync(cancellationToken).ConfigureAwait(false);
            if (string.IsNullOrEmpty(password))
            {
                throw new InvalidOperationException($"The password parameter '{resource.PasswordParameter.Name}' has no value.");
            }

            // Memory only: a cache of model answers is not worth a disk, and nothing else may share its files. In-process,
            // so the password is on no command line; without it any local process could read and write the cache.
            var server = new GarnetServer(["--port", port, "--bind", GarnetResource.Host, "--lua", "true", "--auth", "Password", "--password", password]);
            server.Start();
            logger.LogInformation("Embedded Garnet (Redis-compatible) listening on {Host}:{Port}, password required.", GarnetResource.Host, resource.Port);
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            }).ConfigureAwait(false);
            return server;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Embedded Garnet could not start on port {Port}: {Message}", resource.Port, ex.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            return null;
        }
    }
}
