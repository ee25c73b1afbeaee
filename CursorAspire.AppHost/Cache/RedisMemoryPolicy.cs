using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>
/// How a Redis the AppHost runs is held to its memory and kept across restarts: <c>maxmemory</c> with
/// <c>maxmemory-policy volatile-lru</c> (only keys with a TTL may be evicted: the proxy gives one to cached answers,
/// conversations and reasoning, and none to budgets, usage, counters and reservations), and an append-only file.
/// </summary>
public static class RedisMemoryPolicy
{
    /// <summary>The policy: evict only keys with a TTL, least recently used first.</summary>
    public const string EvictOnlyWithTtl = "volatile-lru";

    /// <summary>Turns on the append-only file (fsync every second) of Aspire's Redis container, beside its data volume's snapshots (<c>--save 60 1</c>).</summary>
    /// <param name="redis">Aspire's Redis container.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<RedisResource> WithAppendOnlyFile(this IResourceBuilder<RedisResource> redis) =>
        redis.WithRedisServerArguments("--appendonly yes --appendfsync everysec");

    /// <summary>Holds Aspire's Redis container to <paramref name="maxMemory"/>, evicting only keys with a TTL.</summary>
    /// <param name="redis">Aspire's Redis container.</param>
    /// <param name="maxMemory">Its <c>maxmemory</c>, e.g. <c>512mb</c>.</param>
    /// <returns>The builder.</returns>
    public static IResourceBuilder<RedisResource> WithMaxMemory(this IResourceBuilder<RedisResource> redis, string maxMemory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(maxMemory);
        return redis.WithRedisServerArguments($"--maxmemory {maxMemory} --maxmemory-policy {EvictOnlyWithTtl}");
    }

    /// <summary>
    /// Adds <c>redis-server</c> options to Aspire's Redis container: after its own arguments, or, where it runs
    /// <c>sh -c "redis-server …"</c> (older Aspire versions, to keep the password out of the arguments), at the end of
    /// that one command string.
    /// </summary>
    private static IResourceBuilder<RedisResource> WithRedisServerArguments(this IResourceBuilder<RedisResource> redis, string arguments)
    {
        ArgumentNullException.ThrowIfNull(redis);
        return redis.WithArgs(context =>
        {
            var shell = context.Args.IndexOf("-c") + 1;
            if (shell > 0 && shell < context.Args.Count && context.Args[shell] is string line && line.StartsWith("redis-server", StringComparison.Ordinal))
            {
                context.Args[shell] = $"{line} {arguments}";
                return;
            }
            if (context.Args.Count == 0 || context.Args[0] as string != "redis-server")
            {
                throw new InvalidOperationException($"The Redis container's command is not 'redis-server …' any more ({string.Join(' ', context.Args)}); {arguments} cannot be added to it.");
            }
            foreach (var argument in arguments.Split(' '))
            {
                context.Args.Add(argument);
            }
        });
    }
}
