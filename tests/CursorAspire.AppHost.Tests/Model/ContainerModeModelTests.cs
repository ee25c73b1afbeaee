using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Ollama;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.Model;

/// <summary>The AppHost's model when containers are forced (<c>AppHost:ContainerRuntime=docker</c>); nothing runs.</summary>
public sealed class ContainerModeModelTests
{
    private static Task<Aspire.Hosting.Testing.IDistributedApplicationTestingBuilder> CreateAsync(params string[] args) =>
        AppHostModel.CreateAsync(["--AppHost:ContainerRuntime=docker", .. args]);

    [Fact]
    public async Task CacheIsARedisContainerWithADataVolume()
    {
        await using var builder = await CreateAsync();

        var cache = builder.Resource<RedisResource>("cache");
        Assert.True(cache.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Contains("redis", image.Image, StringComparison.OrdinalIgnoreCase);
        var mount = Assert.Single(cache.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, mount.Type);
        Assert.Equal("/data", mount.Target);
    }

    [Fact]
    public async Task OllamaIsThePinnedContainerWithAModelsVolumeAndAnApiHealthCheck()
    {
        await using var builder = await CreateAsync();

        var ollama = builder.Resource<OllamaResource>("ollama");
        Assert.True(ollama.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Equal(("docker.io", "ollama/ollama", "0.12.6"), (image.Registry, image.Image, image.Tag));
        var mount = Assert.Single(ollama.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, mount.Type);
        Assert.Equal("/root/.ollama", mount.Target);
        var endpoint = Assert.Single(ollama.Annotations.OfType<EndpointAnnotation>());
        Assert.Equal(("http", 11434), (endpoint.Name, endpoint.TargetPort));
        Assert.NotEmpty(ollama.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Equal("Endpoint={ollama.bindings.http.url}", ollama.ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task GpuIsOffUnlessOllamaGpuIsTrue()
    {
        await using (var plain = await CreateAsync())
        {
            Assert.Empty(plain.Resource<OllamaResource>("ollama").Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>());
        }

        await using var gpu = await CreateAsync("--Ollama:Gpu=true");
        var args = new List<object>();
        foreach (var callback in gpu.Resource<OllamaResource>("ollama").Annotations.OfType<ContainerRuntimeArgsCallbackAnnotation>())
        {
            await callback.Callback(new ContainerRuntimeArgsCallbackContext(args));
        }

        Assert.Equal(["--gpus", "all"], args.Cast<string>());
    }

    [Fact]
    public async Task EachConfiguredModelIsAChildOfOllamaThatTheProxyWaitsFor()
    {
        await using var builder = await CreateAsync("--Ollama:Models:0=qwen2.5-coder:7b", "--Ollama:Models:1=llama3.2");

        var ollama = builder.Resource<OllamaResource>("ollama");
        var qwen = builder.Resource<OllamaModelResource>("ollama-qwen2-5-coder-7b");
        var llama = builder.Resource<OllamaModelResource>("ollama-llama3-2");
        Assert.Equal(("qwen2.5-coder:7b", "llama3.2"), (qwen.ModelName, llama.ModelName));
        Assert.Same(ollama, qwen.Parent);
        Assert.Same(ollama, llama.Parent);
        Assert.Contains(qwen.Annotations.OfType<ResourceRelationshipAnnotation>(), r => r.Type == "Parent" && r.Resource == ollama);
        Assert.NotEmpty(qwen.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(qwen.Annotations.OfType<ResourceCommandAnnotation>(), c => c.Name == OllamaResourceBuilderExtensions.PullCommandName);
        Assert.Equal("Endpoint={ollama.bindings.http.url};Model=qwen2.5-coder:7b", qwen.ConnectionStringExpression.ValueExpression);

        var proxy = builder.Resource<ProjectResource>("proxy");
        Assert.Superset(new HashSet<string> { "cache", "ollama", qwen.Name, llama.Name }, proxy.WaitsFor().ToHashSet());
    }

    [Fact]
    public async Task ProxyEnvironmentFollowsTheProxyConfigurationSchema()
    {
        await using var builder = await CreateAsync();

        var env = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();

        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        Assert.Equal("{ollama.connectionString}", env["ConnectionStrings__ollama"]);
        Assert.Equal("Ollama", env["Proxy__Providers__ollama__Kind"]);
        Assert.Equal("ollama", env["Proxy__Models__local-qwen2.5-coder-7b__Provider"]);
        Assert.Equal("qwen2.5-coder:7b", env["Proxy__Models__local-qwen2.5-coder-7b__Model"]);
        Assert.Equal("32768", env["Proxy__Models__local-qwen2.5-coder-7b__ContextLength"]);
        Assert.Equal("local-qwen2.5-coder-7b", env["Proxy__DefaultModel"]);
        Assert.DoesNotContain(env.Keys, k => k.StartsWith("Proxy__Providers__openai", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ProxyIsHealthCheckedOnItsHealthEndpoint()
    {
        await using var builder = await CreateAsync();

        var proxy = builder.Resource<ProjectResource>("proxy");
        Assert.NotEmpty(proxy.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(proxy.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
    }
}
