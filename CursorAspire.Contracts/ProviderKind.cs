namespace CursorAspire.Contracts;

/// <summary>The upstream protocols the proxy speaks: the values of <c>Proxy:Providers:&lt;name&gt;:Kind</c>.</summary>
public enum ProviderKind
{
    /// <summary>Ollama's native API through OllamaSharp (per-request context window, keep-alive).</summary>
    Ollama,

    /// <summary>Any OpenAI-compatible Chat Completions endpoint (OpenAI, OpenRouter, Groq, DeepSeek, vLLM, LM Studio…).</summary>
    OpenAI,

    /// <summary>Anthropic's Messages API through the official Anthropic SDK (max_tokens, system, tool_use blocks).</summary>
    Anthropic,
}
