using CursorAspire.Proxy.Configuration;

namespace CursorAspire.Proxy.Usage;

/// <summary>What an answer cost at the alias's prices, and what caching saved on it.</summary>
public static class UsageCost
{
    /// <summary>The cost of <paramref name="usage"/>: fresh, cached and cache-write input at their prices, and output.</summary>
    public static decimal Of(TokenUsage usage, ModelPricing pricing) =>
        (usage.FreshInput * pricing.InputPerMillion
         + usage.CachedInput * pricing.CachedInputPerMillion
         + usage.CacheWrite * pricing.CacheWritePerMillion
         + usage.Output * pricing.OutputPerMillion) / 1_000_000m;

    /// <summary>
    /// What the provider's prompt cache saved: cached input at the input price minus what it cost, less the premium paid
    /// for writing the cache (which can make it negative while a cache is being built).
    /// </summary>
    public static decimal SavedByProviderCache(TokenUsage usage, ModelPricing pricing) =>
        (usage.CachedInput * (pricing.InputPerMillion - pricing.CachedInputPerMillion)
         - usage.CacheWrite * (pricing.CacheWritePerMillion - pricing.InputPerMillion)) / 1_000_000m;

    /// <summary>What a reply from the proxy's own response cache saved: the whole call at list price.</summary>
    public static decimal SavedByResponseCache(TokenUsage usage, ModelPricing pricing) =>
        (usage.Input * pricing.InputPerMillion + usage.Output * pricing.OutputPerMillion) / 1_000_000m;
}
