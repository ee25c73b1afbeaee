using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.Hosting;

/// <summary>What the hosting plan leaves in the AppHost's model on a machine with nothing installed; nothing runs.</summary>
public sealed class HostingPlanModelTests
{
    [Fact]
    public async Task WithoutRedisServerOrOllama_NoContainerIsAdded_CacheIsEmbeddedGarnet_OllamaIsMarkedUnavailable()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        Assert.DoesNotContain(builder.Resources, r => r is ContainerResource);
        var cache = builder.Resource<GarnetResource>("cache");
        Assert.Equal($"127.0.0.1:{cache.Port}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());

        var ollama = builder.Resource<UnavailableResource>("ollama");
        Assert.Contains("Ollama", ollama.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(builder.Resources, r => r is OllamaModelResource);
    }
}
