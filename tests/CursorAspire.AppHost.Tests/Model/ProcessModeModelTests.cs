using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Cache;
using CursorAspire.AppHost.Hosting;
using CursorAspire.AppHost.Ollama;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.Model;

/// <summary>The AppHost's model without containers (<c>AppHost:ContainerRuntime=none</c>); nothing runs.</summary>
public sealed class ProcessModeModelTests : IDisposable
{
    private readonly FakeExecutables _bin = new();

    public void Dispose() => _bin.Dispose();

    private static Task<Aspire.Hosting.Testing.IDistributedApplicationTestingBuilder> CreateAsync(params string[] args) =>
        AppHostModel.CreateAsync(["--AppHost:ContainerRuntime=none", .. args]);

    [Fact]
    public async Task WithoutRedisServerOrOllama_NoContainerIsAdded_CacheIsEmbeddedGarnet_OllamaIsMarkedUnavailable()
    {
        await using var builder = await CreateAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
        var cache = builder.Resource<GarnetResource>("cache");
        Assert.Equal($"127.0.0.1:{cache.Port}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());

        var ollama = builder.Resource<UnavailableResource>("ollama");
        Assert.Contains("Ollama", ollama.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(builder.Resources, r => r is OllamaModelResource);
    }

    [Fact]
    public async Task WithoutOllama_TheProxyGetsNoLocalRoutesButStillItsCacheAndKey()
    {
        await using var builder = await CreateAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        var proxy = builder.Resource<ProjectResource>("proxy");
        var env = await proxy.EnvironmentAsync();
        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        Assert.DoesNotContain(env.Keys, k => k.Contains("ollama", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Proxy__Models__", StringComparison.Ordinal));
        Assert.False(env.ContainsKey("Proxy__DefaultModel"));
        Assert.DoesNotContain("ollama", proxy.WaitsFor());
    }

    [Fact]
    public async Task RedisServerOnPath_CacheIsARedisServerProcessOnAnAllocatedPortWithoutPersistence()
    {
        var redisServer = _bin.Create("redis-server");
        await using var builder = await CreateAsync($"--Redis:Command={redisServer}", "--Ollama:Command=/nonexistent/ollama");

        var cache = builder.Resource<RedisServerResource>("cache");
        Assert.Equal(redisServer, cache.Command);
        Assert.Equal(
            ["--port", "{cache.bindings.tcp.targetPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            await cache.ArgumentsAsync());
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task OllamaCommand_IsAnExecutableListeningWhereOllamaHostSays_WithItsModelsAsChildren()
    {
        var ollamaPath = _bin.Create("ollama");
        await using var builder = await CreateAsync("--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={ollamaPath}");

        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        Assert.Equal(ollamaPath, ollama.Command);
        Assert.Equal(["serve"], await ollama.ArgumentsAsync());
        var env = await ollama.EnvironmentAsync();
        Assert.Equal("127.0.0.1:{ollama.bindings.http.targetPort}", env["OLLAMA_HOST"]);
        Assert.NotEmpty(ollama.Annotations.OfType<HealthCheckAnnotation>());

        var model = builder.Resource<OllamaModelResource>("ollama-qwen2-5-coder-7b");
        Assert.Same(ollama, model.Parent);

        var proxyEnv = await builder.Resource<ProjectResource>("proxy").EnvironmentAsync();
        Assert.Equal("{ollama.connectionString}", proxyEnv["ConnectionStrings__ollama"]);
        Assert.Equal("Ollama", proxyEnv["Proxy__Providers__ollama__Kind"]);
        Assert.Equal("qwen2.5-coder:7b", proxyEnv["Proxy__Models__local-qwen2.5-coder-7b__Model"]);
    }

    [Fact]
    public async Task OllamaArgs_ReplaceServe_SoAStandInCanBeLaunched()
    {
        var dotnet = _bin.Create("dotnet");
        await using var builder = await CreateAsync(
            "--Redis:Command=/nonexistent/redis-server", $"--Ollama:Command={dotnet}", "--Ollama:Args:0=standin.dll", "--Ollama:Args:1=serve");

        var ollama = builder.Resource<OllamaExecutableResource>("ollama");
        Assert.Equal(["standin.dll", "serve"], await ollama.ArgumentsAsync());
    }
}
