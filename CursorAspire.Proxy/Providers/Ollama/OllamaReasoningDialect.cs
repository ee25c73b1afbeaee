using CursorAspire.Proxy.Reasoning;

namespace CursorAspire.Proxy.Providers.Ollama;

/// <summary>
/// Ollama takes a turn's reasoning back as the message's <c>thinking</c> and does not require it: when the stored
/// reasoning is gone, the turn carries the client's echo, or nothing.
/// </summary>
public sealed class OllamaReasoningDialect : IReasoningDialect
{
    public ReasoningStandIn WhenGone(in GoneReasoning turn) =>
        turn.Echo.Length > 0 ? new(new TextReasoningContent(turn.Echo)) : ReasoningStandIn.Nothing;
}
