namespace CursorAspire.TestUpstreams;

/// <summary>Which request shape a body is written in: where its system prompt and tool results live.</summary>
public enum WireDialect
{
    /// <summary>
    /// OpenAI Chat Completions (<c>messages</c>): system prompt in <c>system</c>/<c>developer</c> messages, tool results in
    /// <c>tool</c> messages (<c>tool_call_id</c>). Also Ollama's <c>/api/chat</c>, whose <c>tool</c> messages carry no id.
    /// </summary>
    ChatCompletions,

    /// <summary>
    /// Anthropic Messages: <c>system</c> as a string or text blocks, tool results as <c>tool_result</c> blocks in user
    /// messages. Cursor's Anthropic-shaped <c>/chat/completions</c> bodies are written in it too.
    /// </summary>
    AnthropicMessages,
}
