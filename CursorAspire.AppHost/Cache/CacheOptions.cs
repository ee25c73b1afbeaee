namespace Aspire.Hosting;

/// <summary>
/// How <c>AddCache</c> runs the cache: a Redis container, a <c>redis-server</c> process, Garnet inside the AppHost, or
/// (published) an existing Redis. The defaults need nothing installed (embedded Garnet). Every mode the AppHost runs keeps
/// its data across AppHost restarts (a volume, an append-only file, Garnet's checkpoint and log) and is held to
/// <see cref="MaxMemory"/>.
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
    /// Garnet has no eviction policies: its memory is bounded the same way and what does not fit is kept on disk instead.
    /// </summary>
    public string MaxMemory { get; set; } = DefaultMaxMemory;

    /// <summary>
    /// <c>Cache:DataPath</c>: where <c>redis-server</c> and embedded Garnet keep their data, so budgets, usage,
    /// conversations and stored reasoning survive an AppHost restart. Null: a folder of this AppHost under the user's
    /// profile (<see cref="CursorAspire.AppHost.Cache.CacheDataFolder"/>). The Redis container keeps its data in a volume.
    /// </summary>
    public string? DataPath { get; set; }

    /// <summary>
    /// Published only: the cache is an existing Redis (a managed one) whose connection string the deployment supplies as
    /// the secret parameter <c>{name}</c> (<c>ConnectionStrings:{name}</c>); nothing is run for it. Default false.
    /// </summary>
    public bool UseExistingServer { get; set; }
}
