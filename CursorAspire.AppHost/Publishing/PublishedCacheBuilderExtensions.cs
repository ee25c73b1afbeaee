namespace Aspire.Hosting;

/// <summary>The cache as it is published: a Redis container that keeps what protects money, or an existing Redis.</summary>
public static class PublishedCacheBuilderExtensions
{
    /// <summary>The eviction policy: at the memory ceiling only keys with a time to live go.</summary>
    public const string MaxMemoryPolicy = "volatile-lru";

    /// <summary>
    /// Adds the published cache. With <see cref="CacheOptions.UseExistingServer"/>, an existing Redis (e.g. Azure Cache
    /// for Redis, ElastiCache, Memorystore): the connection string is a secret parameter the deployment asks for, never a
    /// value in the manifest. Otherwise Aspire's Redis container (pinned image, password parameter <c>{name}-password</c>)
    /// with a data volume, its writes logged to disk (<c>--appendonly yes</c>, so budgets and usage survive a restart), a
    /// memory ceiling (<see cref="CacheOptions.MaxMemory"/>) and the <see cref="MaxMemoryPolicy"/> eviction policy.
    /// </summary>
    /// <param name="builder">The application builder.</param>
    /// <param name="name">The resource name; also the connection string name.</param>
    /// <param name="options">The cache's options.</param>
    /// <returns>The cache's builder.</returns>
    public static IResourceBuilder<IResourceWithConnectionString> AddPublishedCache(this IDistributedApplicationBuilder builder, [ResourceName] string name, CacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (options.UseExistingServer)
        {
            return builder.AddConnectionString(name);
        }

        return builder.AddRedis(name)
            .WithDataVolume()
            .WithRedisServerFlags("--appendonly", "yes", "--maxmemory", options.MaxMemory, "--maxmemory-policy", MaxMemoryPolicy);
    }

    /// <summary>
    /// Adds flags to the <c>redis-server</c> command line of Aspire's Redis container. Published, Aspire writes that command
    /// as one shell string (<c>/bin/sh -c "redis-server --requirepass $REDIS_PASSWORD …"</c>, so the password stays an
    /// environment variable); the flags are appended to it. Running, they follow as arguments of their own.
    /// </summary>
    /// <param name="builder">The Redis container.</param>
    /// <param name="flags">Flags and values, each free of shell syntax (e.g. <c>--maxmemory</c>, <c>512mb</c>).</param>
    /// <returns>The container's builder.</returns>
    public static IResourceBuilder<RedisResource> WithRedisServerFlags(this IResourceBuilder<RedisResource> builder, params string[] flags)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(flags);
        return builder.WithArgs(context =>
        {
            var shell = context.Args.IndexOf("-c");
            if (shell >= 0 && shell + 1 < context.Args.Count && context.Args[shell + 1] is string command && command.StartsWith("redis-server", StringComparison.Ordinal))
            {
                context.Args[shell + 1] = $"{command} {string.Join(' ', flags)}";
                return;
            }

            foreach (var flag in flags)
            {
                context.Args.Add(flag);
            }
        });
    }
}
