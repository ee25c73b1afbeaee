namespace CursorAspire.TestUpstreams;

/// <summary>One tool result as a request carries it.</summary>
/// <param name="CallId">
/// The call it answers: <c>tool_call_id</c> (Chat Completions) or <c>tool_use_id</c> (Anthropic); <see langword="null"/>
/// when the message names none (Ollama).
/// </param>
/// <param name="Texts">Its text, byte for byte: the string content, or each text part/block in order.</param>
/// <param name="ImageCount">How many image parts/blocks it carries.</param>
/// <param name="IsError">Anthropic's <c>is_error: true</c>.</param>
/// <param name="Content">The content node exactly as sent (a string or an array of parts/blocks).</param>
public sealed record PromptToolResult(string? CallId, IReadOnlyList<string> Texts, int ImageCount, bool IsError, JsonNode? Content)
{
    /// <summary>The text parts joined with nothing between them (the whole text when there is one part).</summary>
    public string Text => string.Concat(Texts);
}
