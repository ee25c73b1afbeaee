namespace CursorAspire.Proxy.Configuration;

/// <summary>One model alias Cursor can name: <c>Proxy:Models:&lt;alias&gt;</c>.</summary>
public sealed class ModelOptions
{
    /// <summary>The provider name (a key of <c>Proxy:Providers</c>).</summary>
    public string? Provider { get; set; }

    /// <summary>The upstream model name; colons allowed (<c>qwen2.5-coder:7b</c>).</summary>
    public string? Model { get; set; }

    /// <summary>The model's context window in tokens. Ollama: the ceiling for <c>num_ctx</c>.</summary>
    public int? ContextLength { get; set; }

    /// <summary>
    /// Pass the client's reasoning effort to the upstream (thinking models: Ollama's <c>think</c>, OpenAI's
    /// <c>reasoning_effort</c>). Off by default because Cursor sends an effort for every model, and non-thinking
    /// models reject it.
    /// </summary>
    public bool Reasoning { get; set; }

    /// <summary>
    /// When a conversation would not fit the model's context window, elide its oldest tool results and tool-call
    /// arguments (each replaced by a one-line marker) instead of refusing it. Off by default; the AppHost turns it on for
    /// the Ollama aliases it makes. Needs the window: <see cref="ContextLength"/>, or for Ollama what it reports.
    /// </summary>
    public bool Compaction { get; set; }

    /// <summary>
    /// The effort sent when a request names none (<c>minimal</c>, <c>low</c>, <c>medium</c>, <c>high</c> or <c>xhigh</c>):
    /// Cursor's requests often carry none even when the user picked one. Only with <see cref="Reasoning"/>; a request's
    /// own effort wins.
    /// </summary>
    public string? ReasoningEffort { get; set; }

    /// <summary>Whether responses of this alias may be cached (default: the cache's own setting).</summary>
    public bool? Cache { get; set; }

    /// <summary>
    /// The most output tokens one request may ask for: a request's <c>max_tokens</c> is clamped to it, and a request
    /// without one gets it (for Ollama, <c>num_predict</c>), so a looping or runaway model stops.
    /// </summary>
    public int? MaxOutputTokens { get; set; }

    /// <summary>
    /// The least output room a request gets: a lower <c>max_tokens</c> is raised to it (then clamped by
    /// <see cref="MaxOutputTokens"/>), so a long tool call is not cut short. Default: 16,384 for Anthropic aliases, none
    /// elsewhere.
    /// </summary>
    public int? MinOutputTokens { get; set; }

    /// <summary>
    /// Other aliases, in order, that answer when this one fails before anything was sent to the client (unreachable,
    /// 5xx, 429, first-byte timeout, a local model's context window too small). Once a token went out, there is no switch.
    /// </summary>
    public List<string> Fallbacks { get; set; } = [];

    /// <summary>
    /// Help the provider serve Cursor's repeated prefix from its prompt cache: Anthropic gets cache breakpoints (tools,
    /// system prompt and the latest turns), OpenAI-compatible upstreams a <c>prompt_cache_key</c> per conversation.
    /// Default: on. Off for an upstream that refuses fields it does not know.
    /// </summary>
    public bool? PromptCaching { get; set; }

    /// <summary>How long Anthropic keeps a cached prefix: <c>5m</c> (default) or <c>1h</c> (where the account allows it).</summary>
    public string PromptCacheTtl { get; set; } = "5m";

    /// <summary>What this alias's tokens cost, for the metrics and <c>GET /v1/usage</c>.</summary>
    public ModelPricing Pricing { get; set; } = new();
}
