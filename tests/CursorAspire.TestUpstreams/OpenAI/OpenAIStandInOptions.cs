namespace CursorAspire.TestUpstreams;

/// <summary>Settings of an <see cref="OpenAIStandIn"/>.</summary>
public sealed class OpenAIStandInOptions
{
    /// <summary>Where to listen; port 0 (the default, on 127.0.0.1) picks a free port.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>Model ids listed by <c>GET /v1/models</c>. Chat calls accept any model.</summary>
    public IReadOnlyList<string> Models { get; set; } = ["gpt-4o-mini"];

    /// <summary>
    /// Models answered in DeepSeek's thinking mode: a request whose assistant message has <c>tool_calls</c> but no
    /// <c>reasoning_content</c> gets DeepSeek's 400, as the real API answers the second turn of an agent loop.
    /// </summary>
    public IReadOnlyList<string> ThinkingModels { get; set; } = ["deepseek-reasoner"];

    /// <summary>
    /// Models answered as Moonshot's Kimi K2 thinking models: reasoning streams as <c>reasoning_content</c>, and with
    /// thinking on (the default; <c>thinking: {"type":"disabled"}</c> turns it off except on the <c>-thinking</c> models) a
    /// request whose assistant tool-call message has no <c>reasoning_content</c> gets Moonshot's 400
    /// (<c>thinking is enabled but reasoning_content is missing in assistant tool call message at index N</c>), and a
    /// forced <c>tool_choice</c> gets <c>tool_choice specified is incompatible with thinking enabled</c>.
    /// </summary>
    public IReadOnlyList<string> KimiThinkingModels { get; set; } = ["kimi-k2-thinking", "kimi-k2-thinking-turbo", "kimi-k2.5", "kimi-k2.6"];

    /// <summary>
    /// Models answered as Zhipu's GLM: reasoning streams as <c>reasoning_content</c> (none with
    /// <c>thinking: {"type":"disabled"}</c>). The real API takes a history whose tool-call turns lack their reasoning, so
    /// the stand-in records it (<see cref="RecordedRequest.ReasoningReturns"/>) and refuses only with
    /// <see cref="StrictReasoningReturn"/>.
    /// </summary>
    public IReadOnlyList<string> GlmThinkingModels { get; set; } = ["glm-4.5", "glm-4.5-air", "glm-4.6", "glm-4.7"];

    /// <summary>
    /// Models answered as MiniMax-M2: the reasoning opens <c>content</c> inside <c>&lt;think&gt;…&lt;/think&gt;</c>, and the whole
    /// content must come back unchanged. The real API takes it stripped or altered, so the stand-in records it
    /// (<see cref="RecordedRequest.ReasoningReturns"/>) and refuses only with <see cref="StrictReasoningReturn"/>.
    /// </summary>
    public IReadOnlyList<string> MiniMaxThinkingModels { get; set; } = ["MiniMax-M2", "MiniMax-M2-Stable"];

    /// <summary>
    /// Refuse (400, <c>code: reasoning_not_returned</c>) a GLM or MiniMax request whose history lost or altered the
    /// reasoning of a tool call this stand-in issued. Not what the real APIs do (they answer, with a model that lost its
    /// own reasoning): a test turns it on to fail the way a degraded model would be noticed.
    /// </summary>
    public bool StrictReasoningReturn { get; set; }

    /// <summary>
    /// Whether a request with a <c>prompt_cache_key</c> is billed through the simulated prompt cache (the default), which
    /// keeps the text of every such prompt. The load harness turns it off: it measures the proxy, and that work (about
    /// 40 KB per Cursor request) is the stand-in's, not something the proxy's requests cost a real upstream's client.
    /// </summary>
    public bool SimulatePromptCache { get; set; } = true;

    /// <summary>When set, requests without <c>Authorization: Bearer {ApiKey}</c> get OpenAI's 401.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The reply when none is queued; <see langword="null"/> uses <see cref="StandInReply.EchoOf"/>.</summary>
    public Func<RecordedRequest, StandInReply>? DefaultReply { get; set; }

    /// <summary>Clock for <c>created</c>, <see cref="RecordedRequest.ReceivedAt"/> and chunk delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to write one access-log line per request (executable mode); <see langword="null"/> writes none.</summary>
    public TextWriter? AccessLog { get; set; }
}
