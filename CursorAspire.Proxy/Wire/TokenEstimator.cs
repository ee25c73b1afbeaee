using Microsoft.Extensions.AI;

namespace CursorAspire.Proxy.Wire;

/// <summary>
/// A tokenizer-free token estimate (about four characters a token for English and code, plus a small per-message
/// overhead). Used where the upstream reports no usage, and to size a local model's context window.
/// </summary>
public static class TokenEstimator
{
    private const int CharactersPerToken = 4;
    private const int PerMessageOverhead = 4;

    public static long FromCharacters(long characters) => (characters + CharactersPerToken - 1) / CharactersPerToken;

    /// <summary>
    /// The usage to report for an answer: the upstream's counts, with estimates where it gave none (the prompt's, and
    /// the output's from <paramref name="outputCharacters"/>).
    /// </summary>
    /// <param name="usage">What the upstream reported, if anything.</param>
    /// <param name="estimatedPromptTokens">The proxy's prompt estimate.</param>
    /// <param name="outputCharacters">Characters written, for the output estimate.</param>
    /// <param name="cachedInputTokens">Overrides the cached input count (a reply from the response cache reports the whole prompt).</param>
    public static UsageDetails Complete(UsageDetails? usage, long estimatedPromptTokens, long outputCharacters, long? cachedInputTokens = null)
    {
        var input = usage?.InputTokenCount ?? estimatedPromptTokens;
        var output = usage?.OutputTokenCount ?? FromCharacters(outputCharacters);
        return new UsageDetails
        {
            InputTokenCount = input,
            OutputTokenCount = output,
            TotalTokenCount = input + output,
            CachedInputTokenCount = cachedInputTokens ?? usage?.CachedInputTokenCount,
            ReasoningTokenCount = usage?.ReasoningTokenCount,
            AdditionalCounts = usage?.AdditionalCounts,
        };
    }

    /// <summary>Estimates the prompt tokens of a conversation with its tool declarations.</summary>
    public static long EstimatePrompt(IReadOnlyList<ChatMessage> messages, ChatOptions? options)
    {
        long characters = 0;
        long overhead = 0;
        foreach (var message in messages)
        {
            overhead += PerMessageOverhead;
            foreach (var content in message.Contents)
            {
                characters += content switch
                {
                    TextContent t => t.Text.Length,
                    TextReasoningContent r => r.Text.Length,
                    FunctionCallContent c => c.Name.Length + EstimateArguments(c),
                    FunctionResultContent r => r.Result?.ToString()?.Length ?? 0,
                    // Vision models bill an image at roughly a thousand tokens; close enough for a meter.
                    DataContent or UriContent => 4_000,
                    _ => 0,
                };
            }
        }
        if (options?.Tools is { } tools)
        {
            foreach (var tool in tools)
            {
                characters += tool.Name.Length + (tool.Description?.Length ?? 0);
                if (tool is AIFunctionDeclaration declaration)
                {
                    characters += declaration.JsonSchema.GetRawText().Length;
                }
            }
        }
        return FromCharacters(characters) + overhead;
    }

    private static int EstimateArguments(FunctionCallContent call)
    {
        var total = 0;
        if (call.Arguments is null)
        {
            return 0;
        }
        foreach (var (key, value) in call.Arguments)
        {
            total += key.Length + (value?.ToString()?.Length ?? 4) + 4;
        }
        return total;
    }
}
