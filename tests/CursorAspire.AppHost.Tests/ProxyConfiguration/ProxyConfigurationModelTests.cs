using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.ProxyConfiguration;

/// <summary>The proxy's configuration (environment in its schema, health check, waits) as the AppHost writes it; nothing runs.</summary>
public sealed class ProxyConfigurationModelTests
{
    [Fact]
    public async Task ProxyEnvironmentFollowsTheProxyConfigurationSchema()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

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
        await using var builder = await AppHostModel.ContainerModeAsync();

        var proxy = builder.Resource<ProjectResource>("proxy");
        Assert.NotEmpty(proxy.Annotations.OfType<HealthCheckAnnotation>());
        Assert.Contains(proxy.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http");
    }

    [Fact]
    public async Task WithoutOllama_TheProxyGetsNoLocalRoutesButStillItsCacheAndKey()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        var proxy = builder.Resource<ProjectResource>("proxy");
        var env = await proxy.EnvironmentAsync();
        Assert.Equal("{proxy-api-key.value}", env["Proxy__ApiKeys__0"]);
        Assert.Equal("{cache.connectionString}", env["ConnectionStrings__cache"]);
        Assert.DoesNotContain(env.Keys, k => k.Contains("ollama", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Proxy__Models__", StringComparison.Ordinal));
        Assert.False(env.ContainsKey("Proxy__DefaultModel"));
        Assert.DoesNotContain("ollama", proxy.WaitsFor());
    }
}
