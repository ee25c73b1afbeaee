namespace CursorAspire.Proxy.Reasoning;

/// <summary>
/// Which provider wrote a piece of reasoning kept with a stored conversation, so a continued conversation gives it
/// back only to that provider (an Anthropic signature means nothing to another model).
/// </summary>
public static class ReasoningProvenance
{
    /// <summary>The <see cref="AIContent.AdditionalProperties"/> key naming the provider that wrote the reasoning.</summary>
    public const string Property = "cursoraspire.reasoning.provider";

    /// <summary>Marks the reasoning in <paramref name="messages"/> as written by <paramref name="provider"/>.</summary>
    public static void Tag(IEnumerable<ChatMessage> messages, string provider)
    {
        foreach (var message in messages)
        {
            foreach (var content in message.Contents)
            {
                if (content is TextReasoningContent reasoning)
                {
                    (reasoning.AdditionalProperties ??= [])[Property] = provider;
                }
            }
        }
    }

    /// <summary>The provider that wrote <paramref name="reasoning"/>, if known.</summary>
    /// <remarks>Read back from a stored conversation, the tag is a <see cref="JsonElement"/>, not a string.</remarks>
    public static string? Of(TextReasoningContent reasoning) =>
        reasoning.AdditionalProperties?.TryGetValue(Property, out var provider) == true
            ? provider switch
            {
                string name => name,
                JsonElement { ValueKind: JsonValueKind.String } element => element.GetString(),
                _ => null,
            }
            : null;
}
