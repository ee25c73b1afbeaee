using CursorAspire.AppHost.Hosting;
using CursorAspire.AppHost.Publishing;

namespace CursorAspire.AppHost.Tests.Publishing;

/// <summary>The publishing plan: the container model from the settings alone, whatever this machine has.</summary>
public sealed class PublishingPlannerTests
{
    private static HostingPlan Decide(params (string Key, string Value)[] values) => PublishingPlanner.Decide(TestSettings.Read(values));

    private static CacheOptions CacheOf(HostingPlan plan)
    {
        var cache = new CacheOptions();
        plan.ConfigureCache(cache);
        return cache;
    }

    private static OllamaServerOptions OllamaOf(HostingPlan plan)
    {
        var ollama = new OllamaServerOptions();
        plan.ConfigureOllama(ollama);
        return ollama;
    }

    [Fact]
    public void ContainersEvenWhereTheSettingsSayProcesses()
    {
        var plan = Decide(("AppHost:ContainerRuntime", "none"), ("Ollama:Models:0", "qwen2.5-coder:7b"));

        Assert.Equal(HostingMode.Containers, plan.Mode);
        Assert.Null(plan.RedisServerPath);
        Assert.Null(plan.OllamaCommand);
        Assert.Null(plan.ContainerRuntime);
        var cache = CacheOf(plan);
        Assert.True(cache.UseContainer);
        Assert.False(cache.UseExistingServer);
        Assert.True(OllamaOf(plan).UseContainer);
    }

    [Fact]
    public void TwoProxiesUnlessAppHostProxyReplicasSaysOtherwise()
    {
        Assert.Equal(PublishingPlanner.DefaultProxyReplicas, Decide().ProxyReplicas);
        Assert.Equal(2, PublishingPlanner.DefaultProxyReplicas);
        Assert.Equal(5, Decide(("AppHost:ProxyReplicas", "5")).ProxyReplicas);
    }

    [Fact]
    public void ConnectionStringsNameExistingServers()
    {
        var plan = Decide(("ConnectionStrings:cache", "redis.example:6380,password=p"), ("ConnectionStrings:ollama", "Endpoint=http://gpu:11434"));

        Assert.True(plan.ExistingCache);
        Assert.True(plan.ExistingOllama);
        Assert.True(CacheOf(plan).UseExistingServer);
    }

    [Fact]
    public void NoModelsPublishesNoOllamaAndSaysWhy()
    {
        var options = OllamaOf(Decide());

        Assert.False(options.UseContainer);
        Assert.Null(options.Command);
        Assert.Equal(PublishingPlanner.NoModelsReason, options.UnavailableReason);
    }
}
