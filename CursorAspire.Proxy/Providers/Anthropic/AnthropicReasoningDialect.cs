using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Anthropic with extended thinking needs each tool-call turn's signed <c>thinking</c> block back before its
/// <c>tool_use</c>, and cannot take unsigned thinking. When the stored block is gone the turn goes without reasoning,
/// and, if that turn is part of the one being answered while thinking is on (which the API refuses), the request goes
/// without extended thinking, which it accepts.
/// </summary>
public sealed class AnthropicReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) => new(null, WithoutThinking: turn.Thinking && turn.AfterLastUserTurn);
}
