namespace CursorAspire.Proxy.Wire;

/// <summary>
/// Reasoning a client sends back in an assistant message: what the proxy showed it (<c>&lt;think&gt;…&lt;/think&gt;</c> at
/// the start of the content, with the default <see cref="ReasoningOutputMode.ThinkTags"/>), a <c>reasoning_content</c>
/// field, or a Responses <c>reasoning</c> item. It never goes upstream as assistant text; it becomes a
/// <see cref="TextReasoningContent"/> marked as an echo, which the reasoning stage replaces with what the model really
/// wrote when it has that, and otherwise uses or drops as the provider needs.
/// </summary>
public static class ReasoningEcho
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key that marks reasoning a client sent back.</summary>
    public const string Property = "cursoraspire.reasoning.echo";

    private const string Open = "<think>";
    private const string Close = "</think>";

    /// <summary>Reasoning text a client sent back, marked as an echo.</summary>
    public static TextReasoningContent Create(string text) => Create(text, protectedData: null);

    /// <summary>
    /// Reasoning a client sent back with the provider's opaque data (an Anthropic <c>thinking</c> block's signature, a
    /// <c>redacted_thinking</c> block's data with no text), marked as an echo: only the provider that signed it can check it.
    /// </summary>
    public static TextReasoningContent Create(string text, string? protectedData) =>
        new(text) { ProtectedData = protectedData, AdditionalProperties = new AdditionalPropertiesDictionary { [Property] = true } };

    /// <summary>Whether <paramref name="reasoning"/> came from a client rather than from a model.</summary>
    public static bool IsEcho(TextReasoningContent reasoning) =>
        reasoning.AdditionalProperties?.ContainsKey(Property) == true;

    /// <summary>
    /// Splits assistant content that starts with a think block: the reasoning inside it, and the text after it (the
    /// blank line the proxy writes after <c>&lt;/think&gt;</c> removed). A block that was never closed (a stream cut
    /// while thinking) is reasoning to the end. Content without a leading think block is returned as it is.
    /// </summary>
    public static (string? Reasoning, string Text) SplitThinkTags(string content)
    {
        var start = content.AsSpan().TrimStart();
        if (!start.StartsWith(Open, StringComparison.Ordinal))
        {
            return (null, content);
        }
        var inner = start[Open.Length..];
        var close = inner.IndexOf(Close, StringComparison.Ordinal);
        if (close < 0)
        {
            return (inner.Trim().ToString(), string.Empty);
        }
        return (inner[..close].Trim().ToString(), inner[(close + Close.Length)..].TrimStart().ToString());
    }
}
