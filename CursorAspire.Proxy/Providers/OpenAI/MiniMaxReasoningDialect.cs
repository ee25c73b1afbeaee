using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.OpenAI;

/// <summary>
/// MiniMax-M writes its reasoning inside <c>&lt;think&gt;…&lt;/think&gt;</c> at the start of the content and wants each
/// assistant turn back with that content unchanged (its API takes it stripped, with a model that lost its reasoning).
/// The compatibility stage reads the block out of answers as reasoning (<see cref="InlineThinkSplitter"/>) and writes the
/// reasoning given back into the content again in MiniMax's own form; when the stored reasoning is gone, the turn carries
/// the client's copy if it kept one, else nothing.
/// </summary>
public sealed class MiniMaxReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) =>
        turn.Echo.Length > 0 ? new(new TextReasoningContent(turn.Echo)) : ReasoningStandIn.Nothing;
}
