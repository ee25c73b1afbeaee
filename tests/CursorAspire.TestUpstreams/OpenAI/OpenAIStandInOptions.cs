using System.Net;

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
