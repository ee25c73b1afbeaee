namespace Aspire.Hosting;

/// <summary>
/// How <c>AddCache</c> runs the cache: a Redis container, a <c>redis-server</c> process, Garnet inside the AppHost, or
/// (published) an existing Redis. The defaults need nothing installed (embedded Garnet).
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The memory ceiling when none is configured.</summary>
    public const string DefaultMaxMemory = "512mb";

    /// <summary>Run Redis as a container with a data volume; only when a container runtime can start it. Default false.</summary>
    public bool UseContainer { get; set; }

    /// <summary>
    /// Without a container: the <c>redis-server</c> to run as a local process, a name on PATH or a full path; null runs
    /// the embedded Garnet server instead.
    /// </summary>
    public string? RedisServerPath { get; set; }

    /// <summary>
    /// The server's memory ceiling in Redis's notation (<c>Cache:MaxMemory</c>, default <see cref="DefaultMaxMemory"/>).
    /// At the ceiling Redis evicts only keys with a time to live (<c>maxmemory-policy volatile-lru</c>), so the proxy
    /// keeps budgets, usage, counters and reservations without one and cached answers, conversations and reasoning with one.
    /// </summary>
    public string MaxMemory { get; set; } = DefaultMaxMemory;

    /// <summary>
    /// Published only: the cache is an existing Redis (a managed one) whose connection string the deployment supplies as
    /// the secret parameter <c>{name}</c> (<c>ConnectionStrings:{name}</c>); nothing is run for it. Default false.
    /// </summary>
    public bool UseExistingServer { get; set; }
}
