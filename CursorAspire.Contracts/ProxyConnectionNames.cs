namespace CursorAspire.Contracts;

/// <summary>The connection strings the proxy reads (<c>ConnectionStrings:{name}</c>), as its hosts must name them.</summary>
public static class ProxyConnectionNames
{
    /// <summary>The Redis-protocol server behind the response cache and the stored state (conversations, reasoning, counters).</summary>
    public const string Cache = "cache";
}
