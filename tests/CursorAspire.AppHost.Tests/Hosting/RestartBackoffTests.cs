using CursorAspire.AppHost.Hosting;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>The waits before restarting a resource that exited by itself.</summary>
public sealed class RestartBackoffTests
{
    [Fact]
    public void TheDefaultWaitsOneSecondThenDoublesUpToAMinute()
    {
        var delays = Enumerable.Range(1, 9).Select(RestartBackoff.Default.Delay).Select(d => d.TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays);
    }

    [Fact]
    public void ARunAsLongAsStableAfterCountsAsRecovered() =>
        Assert.Equal(TimeSpan.FromMinutes(1), RestartBackoff.Default.StableAfter);

    [Fact]
    public void ThereIsNoRestartZero() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RestartBackoff.Default.Delay(0));
}
