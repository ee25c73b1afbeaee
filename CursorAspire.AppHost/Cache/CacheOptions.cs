namespace Aspire.Hosting;

/// <summary>
/// How <c>AddCache</c> runs the cache: a Redis container, a <c>redis-server</c> process, or Garnet inside the AppHost.
/// The defaults need nothing installed (embedded Garnet). Every mode keeps its data across AppHost restarts (a volume,
/// an append-only file, Garnet's checkpoint and log) and is held to <see cref="MaxMemory"/>.
/// </summary>
public sealed class CacheOptions
{
    /// <summary>The default of <see cref="MaxMemory"/>.</summary>
    public const string DefaultMaxMemory = "512mb";

    /// <summary>Run Redis as a container with a data volume; only when a container runtime can start it. Default false.</summary>
    public bool UseContainer { get; set; }

    /// <summary>
    /// Without a container: the <c>redis-server</c> to run as a local process, a name on PATH or a full path; null runs
    /// the embedded Garnet server instead.
    /// </summary>
    public string? RedisServerPath { get; set; }

    /// <summary>
    /// <c>Cache:MaxMemory</c>: the most memory the cache's data may take (Redis's <c>maxmemory</c>, in its units:
    /// <c>512mb</c>, <c>2gb</c>). Redis then evicts, least recently used first, only keys with a TTL
    /// (<c>maxmemory-policy volatile-lru</c>): cached answers and expired conversations go, budgets, counters and
    /// reservations (kept without a TTL) never do. Garnet has no eviction policies: its memory is bounded the same way
    /// and what does not fit is kept on disk instead. Default <see cref="DefaultMaxMemory"/>.
    /// </summary>
    public string MaxMemory { get; set; } = DefaultMaxMemory;

    /// <summary>
    /// <c>Cache:DataPath</c>: where <c>redis-server</c> and embedded Garnet keep their data, so budgets, usage,
    /// conversations and stored reasoning survive an AppHost restart. Null: a folder of this AppHost under the user's
    /// profile (<see cref="CursorAspire.AppHost.Cache.CacheDataFolder"/>). The Redis container keeps its data in a volume.
    /// </summary>
    public string? DataPath { get; set; }
}
