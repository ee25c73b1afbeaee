using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.Anthropic;

/// <summary>
/// Anthropic wants each tool-call turn's signed <c>thinking</c> block back before its <c>tool_use</c>, unmodified, and
/// cannot take unsigned thinking. When the stored block is gone:
/// <list type="bullet">
/// <item>a turn whose client kept Anthropic's signed blocks (an Anthropic-shaped body's <c>thinking</c> with its
/// <c>signature</c>, <c>redacted_thinking</c> with its <c>data</c>) carries those, as they came: the API checks them;</item>
/// <item>with extended thinking, any other turn goes without reasoning, and if that turn is part of the one being answered
/// while thinking is on (which the API refuses), the request goes without extended thinking, which it accepts;</item>
/// <item>with adaptive thinking (the model decides whether to think at all), a turn without a thinking block is one the
/// API takes as it is: it goes without reasoning and the request keeps its thinking, so a step on which the model did
/// not think does not cost the next ones theirs.</item>
/// </list>
/// </summary>
/// <param name="adaptive">Whether the route's model thinks adaptively (<see cref="AnthropicModels.ThinksAdaptively"/>).</param>
public sealed class AnthropicReasoningDialect(bool adaptive) : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) =>
        turn.SignedCopy.Count > 0 ? new ReasoningStandIn(null) { Blocks = turn.SignedCopy }
        : new ReasoningStandIn(null, WithoutThinking: !adaptive && turn.Thinking && turn.AfterLastUserTurn);
}
