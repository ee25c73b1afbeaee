namespace CursorAspire.Proxy.Usage;

/// <summary>The per-model counters a day of usage keeps (<c>&lt;model&gt;|&lt;counter&gt;</c>).</summary>
public static class UsageCounters
{
    public const string Requests = "requests";
    public const string CacheHits = "cache_hits";
    public const string Input = "input_tokens";
    public const string CachedInput = "cached_input_tokens";
    public const string CacheWrite = "cache_write_tokens";
    public const string Output = "output_tokens";

    /// <summary>Estimated cost, in millionths of the pricing's currency.</summary>
    public const string CostMicros = "cost_micros";

    /// <summary>Estimated savings (provider prompt cache and the proxy's response cache), in millionths.</summary>
    public const string SavedMicros = "saved_micros";

    /// <summary>Every counter, in report order.</summary>
    public static readonly string[] All = [Requests, CacheHits, Input, CachedInput, CacheWrite, Output, CostMicros, SavedMicros];

    public static string Field(string model, string counter) => $"{model}|{counter}";

    public static long Micros(decimal amount) => (long)Math.Round(amount * 1_000_000m, MidpointRounding.AwayFromZero);
}
