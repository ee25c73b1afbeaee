using Aspire.Hosting.ApplicationModel;
using CursorAspire.AppHost.Tests.Infrastructure;

namespace CursorAspire.AppHost.Tests.Cache;

/// <summary>The cache in the AppHost's model: a Redis container, else <c>redis-server</c>, else embedded Garnet; nothing runs.</summary>
public sealed class CacheModelTests
{
    [Fact]
    public async Task CacheIsARedisContainerWithADataVolume()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var cache = builder.Resource<RedisResource>("cache");
        Assert.True(cache.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Contains("redis", image.Image, StringComparison.OrdinalIgnoreCase);
        var mount = Assert.Single(cache.Annotations.OfType<ContainerMountAnnotation>());
        Assert.Equal(ContainerMountType.Volume, mount.Type);
        Assert.Equal("/data", mount.Target);
    }

    [Fact]
    public async Task RedisServerOnPath_CacheIsARedisServerProcessOnAnAllocatedPortWithoutPersistence()
    {
        using var bin = new FakeExecutables();
        var redisServer = bin.Create("redis-server");
        await using var builder = await AppHostModel.ProcessModeAsync($"--Redis:Command={redisServer}", "--Ollama:Command=/nonexistent/ollama");

        var cache = builder.Resource<RedisServerResource>("cache");
        Assert.Equal(redisServer, cache.Command);
        Assert.Equal(
            ["--port", "{cache.bindings.tcp.targetPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            await cache.ArgumentsAsync());
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());
    }
}
