using CursorAspire.Proxy.Configuration;
using CursorAspire.Proxy.Usage;
using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Tests.Usage;

/// <summary>The arithmetic of cost and savings, at prices shaped like Anthropic's (cached 10 %, 5-minute writes 125 %).</summary>
public sealed class UsageCostTests
{
    private static readonly ModelPricing Sonnet = new() { InputPerMillion = 3m, CachedInputPerMillion = 0.3m, CacheWritePerMillion = 3.75m, OutputPerMillion = 15m };

    [Fact]
    public void TokensAreSplitTheWayProvidersBillThem()
    {
        var usage = TokenUsage.From(new UsageDetails
        {
            InputTokenCount = 30_000, // Anthropic's total: fresh + read + written
            CachedInputTokenCount = 25_000,
            OutputTokenCount = 500,
            AdditionalCounts = new() { [TokenUsage.CacheWriteCount] = 4_000 },
        });

        Assert.Equal(new TokenUsage(30_000, 25_000, 4_000, 500), usage);
        Assert.Equal(1_000, usage.FreshInput);
    }

    [Fact]
    public void CostPricesEachKindOfToken()
    {
        var usage = new TokenUsage(Input: 30_000, CachedInput: 25_000, CacheWrite: 4_000, Output: 500);

        // 1,000 fresh × 3 + 25,000 cached × 0.3 + 4,000 written × 3.75 + 500 out × 15, per million.
        Assert.Equal(0.003m + 0.0075m + 0.015m + 0.0075m, UsageCost.Of(usage, Sonnet));
    }

    [Fact]
    public void ProviderCacheSavingsAreNetOfTheWritePremium()
    {
        var warm = new TokenUsage(Input: 30_000, CachedInput: 25_000, CacheWrite: 0, Output: 500);
        var cold = new TokenUsage(Input: 30_000, CachedInput: 0, CacheWrite: 29_000, Output: 500);

        Assert.Equal(25_000 * 2.7m / 1_000_000m, UsageCost.SavedByProviderCache(warm, Sonnet));
        Assert.Equal(-29_000 * 0.75m / 1_000_000m, UsageCost.SavedByProviderCache(cold, Sonnet)); // building the cache costs extra
    }

    [Fact]
    public void AResponseCacheHitSavesTheWholeCallAtListPrice()
    {
        Assert.Equal((30_000 * 3m + 500 * 15m) / 1_000_000m, UsageCost.SavedByResponseCache(new TokenUsage(30_000, 30_000, 0, 500), Sonnet));
    }

    [Fact]
    public void AnAliasWithoutPricingCostsNothing()
    {
        Assert.Equal(0m, UsageCost.Of(new TokenUsage(1_000_000, 0, 0, 1_000_000), new ModelPricing()));
    }
}
