namespace CursorAspire.Proxy.Caching;

/// <summary>The result of one store read: found (with bytes), not found, or failed (store unusable).</summary>
internal readonly record struct CacheReadResult(byte[]? Value, bool Failed)
{
    public static CacheReadResult NotFound => new(null, false);

    public static CacheReadResult Failure => new(null, true);

    public bool Found => Value is not null;
}
