namespace CursorAspire.AppHost.Hosting;

/// <summary>
/// How long to wait before restarting a resource that exited on its own: <see cref="First"/>, doubled after each exit
/// that follows a short run, at most <see cref="Longest"/>; a run of <see cref="StableAfter"/> or longer starts the
/// count again. A crash loop (a model too big for memory, a broken install) thus costs a restart a minute or so, not a
/// busy loop, while a one-off crash is repaired within a second or two.
/// </summary>
/// <param name="First">The wait before the first restart.</param>
/// <param name="Longest">The longest wait.</param>
/// <param name="StableAfter">A run this long counts as recovered: the next exit waits <see cref="First"/> again.</param>
public sealed record RestartBackoff(TimeSpan First, TimeSpan Longest, TimeSpan StableAfter)
{
    /// <summary>1 s, doubling up to 1 min; a run of 1 min counts as recovered.</summary>
    public static RestartBackoff Default { get; } = new(TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));

    /// <summary>The wait before restart number <paramref name="attempt"/> (1 for the first exit after a stable run).</summary>
    /// <param name="attempt">How many exits in a row, each after a run shorter than <see cref="StableAfter"/>.</param>
    public TimeSpan Delay(int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var delay = First;
        for (var i = 1; i < attempt && delay < Longest; i++)
        {
            delay += delay;
        }

        return delay < Longest ? delay : Longest;
    }
}
