using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// Zhipu's GLM takes a tool-call turn's <c>reasoning_content</c> back and uses it (its "preserved thinking"), but its API
/// does not refuse a turn without it: the model just continues without its own earlier reasoning. Stored reasoning goes
/// back as written; when it is gone, the turn carries the client's copy if it kept one, else nothing.
/// </summary>
public sealed class GlmReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) =>
        turn.Echo.Length > 0 ? new(new TextReasoningContent(turn.Echo)) : ReasoningStandIn.Nothing;
}
