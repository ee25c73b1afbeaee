namespace CursorAspire.TestUpstreams;

/// <summary>Settings of an <see cref="AnthropicStandIn"/>.</summary>
public sealed class AnthropicStandInOptions
{
    /// <summary>Where to listen; port 0 (the default, on 127.0.0.1) picks a free port.</summary>
    public IPEndPoint Endpoint { get; set; } = new(IPAddress.Loopback, 0);

    /// <summary>When set, requests without <c>x-api-key: {ApiKey}</c> or <c>Authorization: Bearer {ApiKey}</c> get Anthropic's 401 <c>authentication_error</c>.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The models whose limits are enforced (<c>max_tokens</c> ceiling, thinking modes), matched by id prefix; a model
    /// matching none is held to no model-specific limit. Default: <see cref="AnthropicModelLimits.Known"/>.
    /// </summary>
    public IReadOnlyList<AnthropicModelLimits> Models { get; set; } = AnthropicModelLimits.Known;

    /// <summary>The reply when none is queued; <see langword="null"/> uses <see cref="StandInReply.EchoOf"/>.</summary>
    public Func<RecordedRequest, StandInReply>? DefaultReply { get; set; }

    /// <summary>Clock for <see cref="RecordedRequest.ReceivedAt"/> and chunk delays.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Where to write one access-log line per request; <see langword="null"/> writes none.</summary>
    public TextWriter? AccessLog { get; set; }
}
