namespace CursorAspire.TestUpstreams;

/// <summary>
/// Token counts a stand-in reports: OpenAI's <c>usage</c> object, or Ollama's <c>prompt_eval_count</c>/<c>eval_count</c>.
/// </summary>
/// <param name="PromptTokens">Input tokens.</param>
/// <param name="CompletionTokens">Output tokens.</param>
public sealed record StandInUsage(int PromptTokens, int CompletionTokens)
{
    /// <summary>Input plus output tokens.</summary>
    public int TotalTokens => PromptTokens + CompletionTokens;
}
