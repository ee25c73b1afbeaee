namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// One named API key, <c>Proxy:Keys:&lt;name&gt;</c>: a virtual key with its own model list and limits, so a key
/// given to one tool or teammate (or leaked) can spend only what it was given. The name, never the key, appears in
/// logs, spans and metrics.
/// </summary>
public sealed class KeyOptions
{
    /// <summary>The key itself (at least <see cref="ProxyOptions.MinimumKeyLength"/> characters).</summary>
    public string? Key { get; set; }

    /// <summary>Instead of <see cref="Key"/>: <c>sha256:&lt;64 hex digits&gt;</c> of the key, so configuration need not hold it.</summary>
    public string? KeyHash { get; set; }

    /// <summary>The aliases this key may use; empty means all.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>Prompt plus completion tokens this key may spend per UTC day (the upstream's reported usage, else the estimate).</summary>
    public long? TokensPerDay { get; set; }

    /// <summary>Overrides <c>Proxy:RateLimit:RequestsPerMinute</c> for this key (0 turns it off).</summary>
    public int? RequestsPerMinute { get; set; }

    /// <summary>Overrides <c>Proxy:RateLimit:ConcurrentRequests</c> for this key (0 turns it off).</summary>
    public int? ConcurrentRequests { get; set; }

    /// <summary>
    /// The most bytes of stored conversations (<c>POST …/responses</c> with <c>store</c>) this key may keep
    /// (<c>Proxy:Keys:&lt;name&gt;:StoredBytes</c>); past it the oldest are dropped. 256 MiB by default, also for keys
    /// without a name.
    /// </summary>
    public long StoredBytes { get; set; } = DefaultStoredBytes;

    /// <summary>The default of <see cref="StoredBytes"/>.</summary>
    public const long DefaultStoredBytes = 256L * 1024 * 1024;
}
