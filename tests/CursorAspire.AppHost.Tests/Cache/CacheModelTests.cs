namespace CursorAspire.AppHost.Tests.Cache;

/// <summary>
/// The cache in the AppHost's model: a Redis container, else <c>redis-server</c>, else embedded Garnet; each keeps its
/// data across restarts and is held to <c>Cache:MaxMemory</c> with <c>volatile-lru</c>; nothing runs.
/// </summary>
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
    public async Task RedisContainerRequiresThePasswordAndItsConnectionStringCarriesIt()
    {
        await using var builder = await AppHostModel.ContainerModeAsync();

        var cache = builder.Resource<RedisResource>("cache");
        Assert.Contains("--requirepass", (await cache.RawArgumentsAsync()).Select(a => a.ToString()));
        Assert.Same(cache.PasswordParameter, Assert.IsType<ParameterResource>((await cache.RunEnvironmentAsync())["REDIS_PASSWORD"]));
        Assert.Contains(",password={cache-password.value}", cache.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRedisContainerKeepsAnAppendOnlyFileAndEvictsOnlyKeysWithATtlPastMaxMemory()
    {
        await using var builder = await AppHostModel.ContainerModeAsync("--Cache:MaxMemory=2gb");

        var cache = builder.Resource<RedisResource>("cache");
        var args = string.Join(' ', (await cache.RawArgumentsAsync()).Select(a => a.ToString()));
        Assert.StartsWith("redis-server --requirepass $REDIS_PASSWORD", args, StringComparison.Ordinal);
        Assert.EndsWith("--appendonly yes --appendfsync everysec --maxmemory 2gb --maxmemory-policy volatile-lru", args, StringComparison.Ordinal);
        Assert.Contains("--save 60 1", args, StringComparison.Ordinal); // the data volume's snapshots stay
    }

    [Fact]
    public async Task RedisServerOnPath_CacheIsARedisServerProcessWithAnAppendOnlyFileInItsDataFolderAndMaxMemory()
    {
        using var bin = new FakeExecutables();
        var redisServer = bin.Create("redis-server");
        var data = TestCacheData.NewFolder();
        await using var builder = await AppHostModel.ProcessModeAsync($"--Redis:Command={redisServer}", "--Ollama:Command=/nonexistent/ollama", $"--Cache:DataPath={data}");

        var cache = builder.Resource<RedisServerResource>("cache");
        Assert.Equal(redisServer, cache.Command);
        Assert.Equal(data, cache.DataPath);
        var args = await cache.ArgumentsAsync();
        Assert.Equal(
            ["--port", "{cache.bindings.tcp.targetPort}", "--bind", "127.0.0.1", "--dir", data, "--save", "", "--appendonly", "yes", "--appendfsync", "everysec",
                "--maxmemory", "512mb", "--maxmemory-policy", "volatile-lru"],
            args.Skip(1));
        Assert.False(Directory.Exists(data), "building the model must write nothing");
        Assert.Equal("{cache.bindings.tcp.host}:{cache.bindings.tcp.port},password={cache-password.value}", cache.ConnectionStringExpression.ValueExpression);
        Assert.NotEmpty(cache.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task RedisServerGetsItsPasswordFromAPrivateConfigFileNeverFromItsCommandLine()
    {
        using var bin = new FakeExecutables();
        await using var builder = await AppHostModel.ProcessModeAsync($"--Redis:Command={bin.Create("redis-server")}", "--Ollama:Command=/nonexistent/ollama");

        var cache = builder.Resource<RedisServerResource>("cache");
        var args = await cache.ArgumentsAsync();
        // redis-server <config file> <options>: the file (written 0600 just before the start) holds requirepass.
        Assert.Equal(cache.ConfigFile.Path, args[0]);
        Assert.EndsWith(".conf", args[0], StringComparison.Ordinal);
        Assert.StartsWith(Path.GetTempPath(), args[0], StringComparison.Ordinal);
        Assert.False(Directory.Exists(cache.ConfigFile.Directory), "building the model must write nothing");
        Assert.DoesNotContain(args, a => a.Contains(AppHostModel.TestCachePassword, StringComparison.Ordinal) || a.Contains("requirepass", StringComparison.Ordinal));
        Assert.Empty(await cache.EnvironmentAsync());
    }

    [Theory]
    [InlineData("docker")]
    [InlineData("redis-server")]
    [InlineData("garnet")]
    public async Task EveryCacheHasTheSameGeneratedSecretPasswordParameter(string mode)
    {
        using var bin = new FakeExecutables();
        await using var builder = mode switch
        {
            "docker" => await AppHostModel.ContainerModeAsync(),
            "redis-server" => await AppHostModel.ProcessModeAsync($"--Redis:Command={bin.Create("redis-server")}", "--Ollama:Command=/nonexistent/ollama"),
            _ => await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama"),
        };

        var cache = Assert.Single(builder.Resources, r => r.Name == "cache");
        var password = cache switch
        {
            RedisResource redis => redis.PasswordParameter,
            RedisServerResource redisServer => redisServer.PasswordParameter,
            GarnetResource garnet => garnet.PasswordParameter,
            _ => null,
        };

        Assert.NotNull(password);
        Assert.Equal("cache-password", password.Name); // the user-secrets key Parameters:cache-password, in every mode
        Assert.True(password.Secret);
        Assert.NotNull(password.Default); // generated on first run (and persisted) when the user set none
        Assert.Equal(AppHostModel.TestCachePassword, await password.GetValueAsync(CancellationToken.None));
        var cacheWithConnectionString = Assert.IsAssignableFrom<IResourceWithConnectionString>(cache);
        // The container's ends with Aspire's TLS switch (",ssl=true" when a dev certificate is trusted).
        Assert.Contains(",password={cache-password.value}", cacheWithConnectionString.ConnectionStringExpression.ValueExpression, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GarnetKeepsItsDataInItsFolderRecoversItAndIsHeldToMaxMemory()
    {
        var data = TestCacheData.NewFolder();
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama",
            $"--Cache:DataPath={data}", "--Cache:MaxMemory=256mb");

        var cache = builder.Resource<GarnetResource>("cache");
        Assert.Equal((data, "256mb"), (cache.DataPath, cache.MaxMemory));
        var args = string.Join(' ', CursorAspire.AppHost.Cache.GarnetServerHost.Arguments(cache, "6379", "pw"));
        Assert.Contains("--memory 256mb", args, StringComparison.Ordinal);
        Assert.Contains($"--storage-tier --logdir {Path.Combine(data, "log")}", args, StringComparison.Ordinal);
        Assert.Contains($"--checkpointdir {Path.Combine(data, "checkpoints")}", args, StringComparison.Ordinal);
        Assert.Contains("--aof", args, StringComparison.Ordinal);
        Assert.Contains("--recover", args, StringComparison.Ordinal);
        Assert.Contains("--lua true --lua-transaction-mode true", args, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "building the model must write nothing");
    }

    [Fact]
    public async Task WithoutADataPathTheCacheKeepsItsDataUnderTheUsersProfilePerAppHost()
    {
        await using var builder = await AppHostModel.ProcessModeAsync("--Redis:Command=/nonexistent/redis-server", "--Ollama:Command=/nonexistent/ollama");

        var garnet = builder.AddGarnet("profile-cache").Resource;

        Assert.Equal(CursorAspire.AppHost.Cache.CacheDataFolder.For(builder.AppHostDirectory, "profile-cache"), garnet.DataPath);
        Assert.StartsWith(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), garnet.DataPath, StringComparison.Ordinal);
        Assert.EndsWith(Path.Combine("profile-cache"), garnet.DataPath, StringComparison.Ordinal);
        // Another AppHost (another clone) gets another folder.
        Assert.NotEqual(garnet.DataPath, CursorAspire.AppHost.Cache.CacheDataFolder.For(Path.Combine(builder.AppHostDirectory, "elsewhere"), "profile-cache"));
    }
}
