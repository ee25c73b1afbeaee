namespace CursorAspire.Proxy.Wire;

/// <summary>The body shape of an inbound request, decided by the body (never the path or model name).</summary>
public enum RequestShape
{
    /// <summary>OpenAI Chat Completions: a <c>messages</c> array.</summary>
    ChatCompletions,

    /// <summary>OpenAI Responses: an <c>input</c> string or item array (Cursor's agent mode sends this to /chat/completions).</summary>
    Responses,

    /// <summary>Anthropic Messages (system blocks, <c>input_schema</c> tools, content blocks): what Cursor sends to /chat/completions for Claude model names.</summary>
    Anthropic,
}
