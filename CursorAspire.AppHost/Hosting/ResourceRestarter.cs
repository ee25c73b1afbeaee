using System.Globalization;
using Microsoft.Extensions.Logging;

namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// Starts a resource again when it exits by itself (a crash, an out-of-memory kill, a container stopped outside the
/// AppHost), after <see cref="RestartBackoff"/>; each restart and why is written in the resource's console log, in
/// the AppHost console and as the resource's <see cref="RestartsProperty"/>.
/// </summary>
/// <remarks>
/// "By itself" is told apart from a stop someone asked for by the state before the exit: the orchestrator shows
/// <c>Stopping</c> before it stops a resource (the dashboard's Stop and Restart, the AppHost shutting down), while a
/// process that dies or a container stopped from outside goes from <c>Running</c> straight to <c>Finished</c> or
/// <c>Exited</c>. A resource that failed to start is not retried: that is a setup problem a restart does not fix.
/// The wait counts from the exit; if someone starts or stops the resource meanwhile, the restart is dropped.
/// </remarks>
internal sealed class ResourceRestarter(
    IResource resource,
    RestartBackoff backoff,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ILogger resourceLogger,
    ILogger consoleLogger,
    TimeProvider time)
{
    /// <summary>The resource property that counts the restarts and gives the last one's reason.</summary>
    public const string RestartsProperty = "restarts";

    private int _restarts;
    private int _exitsInARow;
    private string? _previousState;
    private DateTimeOffset? _runningSince;

    /// <summary>Follows the resource's states until <paramref name="stopping"/>, restarting it after each exit of its own.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var e in notifications.WatchAsync(stopping).ConfigureAwait(false))
            {
                if (!ReferenceEquals(e.Resource, resource) || e.Snapshot.State?.Text is not { Length: > 0 } state || state == _previousState)
                {
                    continue;
                }

                var previous = _previousState;
                _previousState = state;
                if (state == KnownResourceStates.Running)
                {
                    _runningSince = time.GetUtcNow();
                }
                else if (ExitedByItself(previous, state))
                {
                    await RestartAfterExitAsync(e.Snapshot, stopping).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            // Supervision must never take the AppHost down; the resource can still be started from the dashboard.
            consoleLogger.LogError(ex, "Stopped watching '{Resource}' for exits: {Message}", resource.Name, ex.Message);
        }
    }

    private static bool ExitedByItself(string? previous, string state) =>
        (state == KnownResourceStates.Finished || state == KnownResourceStates.Exited)
        && (previous == KnownResourceStates.Running || previous == KnownResourceStates.Starting);

    private async Task RestartAfterExitAsync(CustomResourceSnapshot exited, CancellationToken stopping)
    {
        var now = time.GetUtcNow();
        var ran = _runningSince is { } since ? now - since : TimeSpan.Zero;
        _runningSince = null;
        _exitsInARow = ran >= backoff.StableAfter ? 1 : _exitsInARow + 1;
        var delay = backoff.Delay(_exitsInARow);
        var why = exited.ExitCode is { } code and not -1
            ? string.Create(CultureInfo.InvariantCulture, $"exited with code {code}")
            : exited.State?.Text == KnownResourceStates.Exited ? "was stopped outside the AppHost" : "was killed";
        var restart = ++_restarts;
        resourceLogger.LogWarning("{Resource} {Why} after running {Ran}; restarting it in {Delay} (restart {Restart}).", resource.Name, why, Format(ran), Format(delay), restart);
        consoleLogger.LogWarning("'{Resource}' {Why}; restarting it in {Delay} (restart {Restart}).", resource.Name, why, Format(delay), restart);
        await PublishRestartsAsync($"{restart} (last: {why} at {now.ToLocalTime():HH:mm:ss}, restarted after {Format(delay)})").ConfigureAwait(false);

        await Task.Delay(delay, time, stopping).ConfigureAwait(false);
        if (!notifications.TryGetCurrentState(resource.Name, out var current) || current.Snapshot.State?.Text != exited.State?.Text)
        {
            resourceLogger.LogInformation("{Resource} was started or stopped meanwhile; no restart.", resource.Name);
            return;
        }

        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, stopping).ConfigureAwait(false);
        if (!result.Success)
        {
            resourceLogger.LogError("Could not restart {Resource}: {Message}. Start it from the dashboard.", resource.Name, result.Message);
        }
    }

    private Task PublishRestartsAsync(string text) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            Properties = s.Properties
                .RemoveAll(p => p.Name == RestartsProperty)
                .Add(new ResourcePropertySnapshot(RestartsProperty, text) { DisplayName = "Restarts" }),
        });

    private static string Format(TimeSpan span) =>
        span < TimeSpan.FromMinutes(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.#} s")
            : string.Create(CultureInfo.InvariantCulture, $"{span.TotalMinutes:0.#} min");
}
