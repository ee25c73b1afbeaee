namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// What the Messages API allows each Claude model, as Anthropic documents it and its 400s enforce: the largest
/// <c>max_tokens</c> (above it: <c>max_tokens: N &gt; L, which is the maximum allowed number of output tokens for M</c>),
/// and the thinking it takes: adaptive (<c>thinking.type: adaptive</c> with <c>output_config.effort</c>; Opus 4.6 and
/// later, Sonnet 4.6; the only kind on Opus 4.7) or extended (<c>thinking.type: enabled</c> with <c>budget_tokens</c>;
/// every model up to the 4.5 ones).
/// </summary>
/// <param name="IdPrefix">Matches a model id that starts with it (dated ids and aliases alike); the longest match wins.</param>
/// <param name="MaxOutputTokens">The model's output ceiling.</param>
/// <param name="Adaptive">Whether the proxy asks it for adaptive thinking (else extended).</param>
public sealed record AnthropicModels(string IdPrefix, int MaxOutputTokens, bool Adaptive)
{
    /// <summary>Current and recent models (Anthropic's model overview, 2026).</summary>
    public static IReadOnlyList<AnthropicModels> Known { get; } =
    [
        new("claude-opus-4-7", 128_000, Adaptive: true),
        new("claude-opus-4-6", 128_000, Adaptive: true),
        new("claude-sonnet-4-6", 64_000, Adaptive: true),
        new("claude-opus-4-5", 64_000, Adaptive: false),
        new("claude-sonnet-4-5", 64_000, Adaptive: false),
        new("claude-haiku-4-5", 64_000, Adaptive: false),
        new("claude-opus-4-1", 32_000, Adaptive: false),
        new("claude-opus-4", 32_000, Adaptive: false),
        new("claude-sonnet-4", 64_000, Adaptive: false),
        new("claude-3-7-sonnet", 64_000, Adaptive: false),
        new("claude-3-5-haiku", 8_192, Adaptive: false),
        new("claude-3-5-sonnet", 8_192, Adaptive: false),
        new("claude-3-haiku", 4_096, Adaptive: false),
        new("claude-3-opus", 4_096, Adaptive: false),
    ];

    /// <summary>What the proxy knows of <paramref name="model"/>, if anything.</summary>
    public static AnthropicModels? Find(string model)
    {
        AnthropicModels? best = null;
        foreach (var known in Known)
        {
            if (model.StartsWith(known.IdPrefix, StringComparison.OrdinalIgnoreCase) && known.IdPrefix.Length > (best?.IdPrefix.Length ?? 0))
            {
                best = known;
            }
        }
        return best;
    }

    /// <summary>
    /// Whether the proxy asks <paramref name="model"/> for adaptive thinking: a known model as listed; a newer Claude
    /// model (<c>claude-…</c> not listed) adaptively, as Anthropic's models since Opus 4.6 take it; anything else
    /// (an Anthropic-compatible service's own model) extended thinking, the kind those services take.
    /// </summary>
    public static bool ThinksAdaptively(string model) =>
        Find(model)?.Adaptive ?? model.StartsWith("claude-", StringComparison.OrdinalIgnoreCase);
}
