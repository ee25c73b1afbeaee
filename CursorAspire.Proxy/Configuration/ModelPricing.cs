namespace CursorAspire.Proxy.Configuration;

/// <summary>
/// What an alias's tokens cost: <c>Proxy:Models:&lt;alias&gt;:Pricing</c>, per million tokens, in whatever currency the
/// user pays in. Unset prices count as zero, so an alias without pricing costs nothing in the metrics.
/// </summary>
public sealed class ModelPricing
{
    /// <summary>Input tokens read fresh (not from the provider's prompt cache).</summary>
    public decimal InputPerMillion { get; set; }

    /// <summary>Input tokens read from the provider's prompt cache (Anthropic ~10 % of input; OpenAI and DeepSeek less than input).</summary>
    public decimal CachedInputPerMillion { get; set; }

    /// <summary>Input tokens written to the provider's prompt cache (Anthropic 125 % of input for 5 minutes, 200 % for an hour).</summary>
    public decimal CacheWritePerMillion { get; set; }

    /// <summary>Output tokens, reasoning included.</summary>
    public decimal OutputPerMillion { get; set; }
}
