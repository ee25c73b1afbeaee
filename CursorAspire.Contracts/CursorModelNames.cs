namespace CursorAspire.Contracts;

/// <summary>
/// Model names Cursor treats specially: built-in names may bypass the base-URL override, and <c>claude-</c> /
/// <c>gemini-</c> names make Cursor call another provider. An alias with such a name never reaches the proxy.
/// </summary>
/// <remarks>
/// One list for the proxy's and the AppHost's start-up warnings and the Cursor check's model step. Only names that bypass
/// the override are conflicts: a name that merely contains <c>claude</c> (<c>anthropic-claude-sonnet-4-5</c>) reaches the
/// proxy as an Anthropic-shaped body, which it reads; and Cursor's <see cref="VariantSuffixes"/> on an alias still reach it.
/// </remarks>
public static class CursorModelNames
{
    private static readonly string[] ProviderSwitchingPrefixes = ["claude-", "gemini-"];

    private static readonly string[] BuiltInPrefixes =
        ["gpt-", "o1", "o3", "o4", "cursor-", "cursor", "chatgpt-", "grok-", "deepseek-", "kimi-", "composer-", "code-supernova"];

    private static readonly string[] BuiltInNames = ["auto", "default", "fast"];

    /// <summary>
    /// What Cursor appends to the name the user picked, for its own features and effort levels (<c>my-model-high</c>,
    /// <c>my-model-thinking</c>): the name still means the model in front of the suffix.
    /// </summary>
    public static IReadOnlyList<string> VariantSuffixes { get; } = ["-thinking", "-minimal", "-low", "-medium", "-high", "-xhigh", "-fast", "-max", "-auto"];

    /// <summary>Why <paramref name="alias"/> would not reach the proxy, or null when it is safe.</summary>
    public static string? FindConflict(string alias)
    {
        ArgumentNullException.ThrowIfNull(alias);
        foreach (var prefix in ProviderSwitchingPrefixes)
        {
            if (alias.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"names starting with '{prefix}' make Cursor call that vendor instead of the proxy";
            }
        }

        foreach (var prefix in BuiltInPrefixes)
        {
            if (alias.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"names starting with '{prefix}' are Cursor built-ins and may bypass the OpenAI base URL override";
            }
        }

        return BuiltInNames.Contains(alias, StringComparer.OrdinalIgnoreCase)
            ? $"'{alias}' is a Cursor built-in model name"
            : null;
    }
}
