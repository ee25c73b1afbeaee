namespace CursorAspire.Proxy.Reasoning;

/// <summary>What a tool-call turn whose reasoning is gone carries upstream instead.</summary>
/// <param name="Reasoning">The reasoning to put first in the turn's message; null for none.</param>
/// <param name="WithoutThinking">Whether the whole request must go without extended thinking.</param>
public readonly record struct ReasoningStandIn(TextReasoningContent? Reasoning, bool WithoutThinking = false)
{
    /// <summary>No reasoning, and the request as it is.</summary>
    public static ReasoningStandIn Nothing => default;
}
