using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Moonshot's Kimi K2 thinking models refuse a tool-call turn without <c>reasoning_content</c> ("thinking is enabled but
/// reasoning_content is missing in assistant tool call message at index N"), like DeepSeek, and the family thinks by
/// default. So, unlike an unknown OpenAI-compatible model, a Kimi route is taken to think from its first request: a turn
/// whose stored reasoning is gone carries the client's copy, or an empty <c>reasoning_content</c>, which it accepts.
/// </summary>
public sealed class KimiReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) => new(new TextReasoningContent(turn.Echo));

    /// <summary>Moonshot's 400 names the field, as DeepSeek's does.</summary>
    public bool AsksForReasoningBack(Exception failure) => OpenAIReasoningDialect.NamesReasoningContent(failure);
}
