namespace Aspire.Hosting;

/// <summary>
/// How <c>AddCache</c> runs the cache: a Redis container, a <c>redis-server</c> process, or Garnet inside the AppHost.
/// The defaults need nothing installed (embedded Garnet).
/// </summary>
public sealed class CacheOptions
{
    /// <summary>Run Redis as a container with a data volume; only when a container runtime can start it. Default false.</summary>
    public bool UseContainer { get; set; }

    /// <summary>
    /// Without a container: the <c>redis-server</c> to run as a local process, a name on PATH or a full path; null runs
    /// the embedded Garnet server instead.
    /// </summary>
    public string? RedisServerPath { get; set; }
}
