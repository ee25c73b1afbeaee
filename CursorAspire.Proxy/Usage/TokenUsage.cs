namespace CursorAspire.Proxy.Usage;

/// <summary>One answer's tokens, split the way providers bill them.</summary>
/// <param name="Input">All prompt tokens (fresh, read from the provider's cache, and written to it).</param>
/// <param name="CachedInput">Prompt tokens read from the provider's prompt cache.</param>
/// <param name="CacheWrite">Prompt tokens written to the provider's prompt cache (Anthropic).</param>
/// <param name="Output">Completion tokens, reasoning included.</param>
public readonly record struct TokenUsage(long Input, long CachedInput, long CacheWrite, long Output)
{
    /// <summary>The name M.E.AI's Anthropic adapter gives cache writes in <see cref="UsageDetails.AdditionalCounts"/>.</summary>
    public const string CacheWriteCount = "CacheCreationInputTokens";

    /// <summary>Prompt tokens billed at the plain input price.</summary>
    public long FreshInput => Math.Max(0, Input - CachedInput - CacheWrite);

    public static TokenUsage From(UsageDetails usage) => new(
        usage.InputTokenCount ?? 0,
        usage.CachedInputTokenCount ?? 0,
        usage.AdditionalCounts?.GetValueOrDefault(CacheWriteCount) ?? 0,
        usage.OutputTokenCount ?? 0);
}
