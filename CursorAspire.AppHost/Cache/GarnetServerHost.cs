using Garnet;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Cache;

/// <summary>
/// Starts the embedded Garnet server for a <see cref="GarnetResource"/> and stops it with the AppHost, its data kept in
/// <see cref="GarnetResource.DataPath"/> and its memory within <see cref="GarnetResource.MaxMemory"/>.
/// </summary>
/// <remarks>
/// <para>Durable: every write goes to an append-only log (committed per operation), a checkpoint is taken every 15
/// minutes (which also truncates the log and compacts what is on disk), and a start recovers from the last checkpoint
/// and the log after it.</para>
/// <para>Memory: Garnet has none of Redis's eviction policies. <c>--memory</c> bounds what its log keeps in memory (values
/// and objects alike), and with <c>--storage-tier</c> what does not fit is written to the data folder rather than
/// dropped: a budget is never lost to the limit, and a cached answer is read from disk instead. Expired keys are
/// removed by a scan every minute. The disk side is bounded by the TTLs of what has one.</para>
/// <para>Scripts run alone (<c>--lua-transaction-mode</c>), as in Redis: the proxy's budget admission depends on it.
/// The device is .NET's own file I/O (<c>--device-type RandomAccess</c>): Garnet's native one needs libaio, which not
/// every machine has.</para>
/// </remarks>
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

            // In-process, so the password is on no command line; without it any local process could read and write the cache.
            CacheDataFolder.Create(resource.DataPath);
            var server = new GarnetServer(Arguments(resource, port, password));
            server.Start();
            logger.LogInformation("Embedded Garnet (Redis-compatible) listening on {Host}:{Port}, password required; data in {DataPath}.", GarnetResource.Host, resource.Port, resource.DataPath);
            await notifications.PublishUpdateAsync(resource, s => s with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            }).ConfigureAwait(false);
            return new Stopping(server, logger);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(ex, "Embedded Garnet could not start on port {Port}: {Message}", resource.Port, ex.Message);
            await notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>Garnet's command line for <paramref name="resource"/>.</summary>
    internal static string[] Arguments(GarnetResource resource, string port, string password) =>
    [
        "--port", port, "--bind", GarnetResource.Host,
        "--auth", "Password", "--password", password,
        "--lua", "true", "--lua-transaction-mode", "true",
        "--memory", resource.MaxMemory, "--page", "4m", "--index", "64m",
        "--storage-tier", "--logdir", Path.Combine(resource.DataPath, "log"),
        "--checkpointdir", Path.Combine(resource.DataPath, "checkpoints"),
        "--aof", "--aof-memory", "64m", "--aof-page-size", "8m", "--recover",
        "--checkpoint-freq", "900", "--compaction-type", "Lookup",
        "--expired-key-deletion-scan-freq", "60",
        "--device-type", "RandomAccess",
    ];

    /// <summary>Commits the append-only log before the server goes, so the last writes are on disk.</summary>
    private sealed class Stopping(GarnetServer server, ILogger logger) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                server.Store.CommitAOFAsync(timeout.Token).AsTask().GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                logger.LogWarning("Embedded Garnet could not commit its log before stopping ({Message}); the last writes may be lost.", ex.Message);
            }
            server.Dispose();
        }
    }
}
