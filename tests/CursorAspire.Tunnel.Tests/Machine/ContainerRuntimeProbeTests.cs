using System.Diagnostics;

namespace CursorAspire.Tunnel.Tests.Machine;

/// <summary>The build-time decision "is a container runtime healthy?", with real processes standing in for docker/podman.</summary>
public sealed class ContainerRuntimeProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    [Fact]
    public void RuntimeWhoseInfoExitsZeroIsHealthy()
    {
        var runtime = ContainerRuntimeProbe.FindHealthyRuntime([new("sh", ["-c", "exit 0"])], Timeout);

        Assert.Equal("sh", runtime);
    }

    [Fact]
    public void MissingRuntimeAndFailingRuntimeAreNotHealthy()
    {
        var runtime = ContainerRuntimeProbe.FindHealthyRuntime(
            [new("docker-that-is-not-installed-here", ["info"]), new("sh", ["-c", "echo 'Cannot connect to the Docker daemon' >&2; exit 1"])],
            Timeout);

        Assert.Null(runtime);
    }

    [Fact]
    public void SecondRuntimeIsTriedWhenTheFirstIsMissing()
    {
        var runtime = ContainerRuntimeProbe.FindHealthyRuntime([new("docker-that-is-not-installed-here", ["info"]), new("true", [])], Timeout);

        Assert.Equal("true", runtime);
    }

    [Fact]
    public void RuntimeThatHangsIsNotHealthyAndIsGivenUpOnAtTheTimeout()
    {
        var stopwatch = Stopwatch.StartNew();

        var runtime = ContainerRuntimeProbe.FindHealthyRuntime([new("sleep", ["30"])], TimeSpan.FromMilliseconds(300));

        Assert.Null(runtime);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"probe took {stopwatch.Elapsed}");
    }
}
