namespace CursorAspire.Proxy.Reasoning;

/// <summary>What a tool-call turn whose reasoning is gone carries upstream instead.</summary>
/// <param name="Reasoning">The reasoning to put first in the turn's message; null for none.</param>
/// <param name="WithoutThinking">Whether the whole request must go without extended thinking.</param>
public readonly record struct ReasoningStandIn(TextReasoningContent? Reasoning, bool WithoutThinking = false)
{
    /// <summary>Several blocks to put first instead of <see cref="Reasoning"/> (a client's signed copy, in order); null for none.</summary>
    public IReadOnlyList<TextReasoningContent>? Blocks { get; init; }

    /// <summary>Everything the turn carries: <see cref="Blocks"/>, else <see cref="Reasoning"/>.</summary>
    public IReadOnlyList<TextReasoningContent> All => Blocks ?? (Reasoning is { } reasoning ? [reasoning] : []);

    /// <summary>No reasoning, and the request as it is.</summary>
    public static ReasoningStandIn Nothing => default;
}
