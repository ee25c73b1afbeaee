namespace CursorAspire.TestUpstreams;

/// <summary>
/// What an Anthropic model allows, as the real API enforces it: its output ceiling and the thinking modes it takes.
/// </summary>
/// <param name="IdPrefix">Matches a model id that starts with it (dated ids included); the longest match wins.</param>
/// <param name="MaxOutputTokens">
/// The largest <c>max_tokens</c> (above it: <c>max_tokens: N &gt; L, which is the maximum allowed number of output tokens for M</c>).
/// </param>
/// <param name="ExtendedThinking">Takes <c>thinking: {"type":"enabled","budget_tokens":N}</c>.</param>
/// <param name="AdaptiveThinking">Takes <c>thinking: {"type":"adaptive"}</c> (the model decides whether to think at all).</param>
public sealed record AnthropicModelLimits(string IdPrefix, int MaxOutputTokens, bool ExtendedThinking, bool AdaptiveThinking)
{
    /// <summary>
    /// Current models, from Anthropic's model overview and the API's own 400s as reported publicly: output ceilings
    /// (e.g. "max_tokens: 100000 &gt; 64000, which is the maximum allowed number of output tokens for claude-sonnet-4-5");
    /// adaptive thinking on Opus 4.6/4.7 and Sonnet 4.6, the only mode on Opus 4.7; extended only up to the 4.5 models
    /// (AWS Bedrock's "Adaptive thinking" page, Vercel AI Gateway's Anthropic reasoning page, lidge-jun/opencodex#65).
    /// </summary>
    public static IReadOnlyList<AnthropicModelLimits> Known { get; } =
    [
        new("claude-opus-4-7", 128_000, ExtendedThinking: false, AdaptiveThinking: true),
        new("claude-opus-4-6", 128_000, ExtendedThinking: true, AdaptiveThinking: true),
        new("claude-sonnet-4-6", 64_000, ExtendedThinking: true, AdaptiveThinking: true),
        new("claude-opus-4-5", 64_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-sonnet-4-5", 64_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-haiku-4-5", 64_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-opus-4-1", 32_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-opus-4", 32_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-sonnet-4", 64_000, ExtendedThinking: true, AdaptiveThinking: false),
        new("claude-3-7-sonnet", 64_000, ExtendedThinking: true, AdaptiveThinking: false),
    ];

    /// <summary>The entry whose prefix is the longest one <paramref name="model"/> starts with, if any.</summary>
    public static AnthropicModelLimits? Find(IEnumerable<AnthropicModelLimits> models, string model) =>
        models.Where(m => model.StartsWith(m.IdPrefix, StringComparison.Ordinal)).MaxBy(m => m.IdPrefix.Length);
}
