namespace CursorAspire.TestUpstreams;

/// <summary>
/// Token counts a stand-in reports: OpenAI's <c>usage</c> object, or Ollama's <c>prompt_eval_count</c>/<c>eval_count</c>.
/// </summary>
/// <param name="PromptTokens">Input tokens, all of them (cached and cache writes included).</param>
/// <param name="CompletionTokens">Output tokens.</param>
public sealed record StandInUsage(int PromptTokens, int CompletionTokens)
{
    /// <summary>Input tokens read from the provider's prompt cache (set by the stand-in's <see cref="PromptCache"/>).</summary>
    public int CachedTokens { get; init; }

    /// <summary>Input tokens written to the provider's prompt cache (Anthropic).</summary>
    public int CacheWriteTokens { get; init; }

    /// <summary>Input plus output tokens.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;
}
