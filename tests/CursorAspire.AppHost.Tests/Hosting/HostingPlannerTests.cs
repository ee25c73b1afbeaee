using CursorAspire.AppHost.Hosting;
using CursorAspire.Tunnel.Machine;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>The containers-or-processes decision, and what it leaves in the AppHost's model on a machine with nothing installed.</summary>
public sealed class HostingPlannerTests
{
    private static AppHostSettings Config(params (string Key, string Value)[] values) => TestSettings.Read(values);

    private static ContainerRuntimeProbeResult MustNotProbe() => throw new InvalidOperationException("probed although the setting decides");

    [Fact]
    public void Auto_UsesContainersWhenTheProbeFindsARuntime()
    {
        var plan = HostingPlanner.Decide(Config(), () => new ContainerRuntimeProbeResult(true, "docker", "server 27.0"));

        Assert.Equal(HostingMode.Containers, plan.Mode);
        Assert.Contains("docker", plan.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Auto_UsesProcessesAndSaysWhyWhenNoRuntimeAnswers()
    {
        var plan = HostingPlanner.Decide(
            Config(("Redis:Command", "/nonexistent/redis-server"), ("Ollama:Command", "/nonexistent/ollama")),
            () => new ContainerRuntimeProbeResult(false, null, "docker: daemon not running (exit 1)"));

        Assert.Equal(HostingMode.Processes, plan.Mode);
        Assert.Contains("daemon not running", plan.Reason, StringComparison.Ordinal);
        Assert.Null(plan.RedisServerPath);
        Assert.Null(plan.OllamaCommand);
    }

    [Fact]
    public void Docker_ForcesContainersWithoutProbing() =>
        Assert.Equal(HostingMode.Containers, HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "docker")), MustNotProbe).Mode);

    [Theory]
    [InlineData("docker", "docker")]
    [InlineData("podman", "podman")]
    [InlineData("containers", "docker")]
    public void AForcedRuntimeIsTheOneTheContainersRunOn(string setting, string runtime)
    {
        var plan = HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", setting)), MustNotProbe);

        Assert.Equal((HostingMode.Containers, runtime), (plan.Mode, plan.ContainerRuntime));
    }

    [Fact]
    public void Auto_RemembersWhichRuntimeAnswered()
    {
        var plan = HostingPlanner.Decide(Config(), () => new ContainerRuntimeProbeResult(true, "podman", "server 5.2.0"));

        Assert.Equal((HostingMode.Containers, "podman"), (plan.Mode, plan.ContainerRuntime));
    }

    [Fact]
    public void RunningHasOneProxyUnlessAppHostProxyReplicasSaysMore()
    {
        Assert.Equal(1, HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "none")), MustNotProbe).ProxyReplicas);
        Assert.Equal(3, HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "none"), ("AppHost:ProxyReplicas", "3")), MustNotProbe).ProxyReplicas);
        Assert.Equal(2, HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "docker"), ("AppHost:ProxyReplicas", "2")), MustNotProbe).ProxyReplicas);
    }

    [Fact]
    public void ProcessModeNamesNoRuntime() =>
        Assert.Null(HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "none")), MustNotProbe).ContainerRuntime);

    [Fact]
    public void None_ForcesProcessesWithoutProbing() =>
        Assert.Equal(HostingMode.Processes, HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "none")), MustNotProbe).Mode);

    [Fact]
    public void ProcessMode_FindsConfiguredCommands()
    {
        using var bin = new Infrastructure.FakeExecutables();
        var redis = bin.Create("redis-server");
        var ollama = bin.Create("ollama");

        var plan = HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "none"), ("Redis:Command", redis), ("Ollama:Command", ollama)));

        Assert.Equal((redis, ollama), (plan.RedisServerPath, plan.OllamaCommand));
    }

    [Fact]
    public void AnUnknownSettingFailsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => HostingPlanner.Decide(Config(("AppHost:ContainerRuntime", "kubernetes")), MustNotProbe));
        Assert.Contains("AppHost:ContainerRuntime", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheRealProbeAnswersWithinItsTimeout()
    {
        var timeout = TimeSpan.FromSeconds(2);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var result = ContainerRuntimeProbe.Probe(ContainerRuntimeProbe.DefaultProbes, timeout);

        // Two runtimes at most, each bounded by the timeout, plus process start-up slack on a busy machine.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, (2 * timeout) + TimeSpan.FromSeconds(3));
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.Equal(result.Available, result.Runtime is not null);
    }

    [Fact]
    public async Task WithoutRedisServerOrOllama_NoContainerIsAdded_CacheIsEmbeddedGarnet_OllamaIsMarkedUnavailable()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
        var cache = builder.Resource<GarnetResource>("cache");
        Assert.Equal($"127.0.0.1:{cache.Port},password={{cache-password.value}}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());

        var ollama = builder.Resource<UnavailableResource>("ollama");
        Assert.Contains("Ollama", ollama.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(builder.Resources, r => r is OllamaModelResource);
    }
}
