namespace CursorAspire.Proxy.Reasoning;

/// <summary>A tool-call turn whose reasoning is gone, as a dialect decides what it carries instead.</summary>
/// <param name="Echo">The client's copy of the turn's reasoning, joined; empty when it kept none (Cursor, mostly).</param>
/// <param name="KnownToThink">Whether the route thinks: its alias opted in (<c>Reasoning</c>), or it answered with reasoning, or asked for it back, since the proxy started.</param>
/// <param name="Thinking">Whether this request asks for extended thinking (a reasoning effort is left on it).</param>
/// <param name="AfterLastUserTurn">Whether the turn comes after the conversation's last user message (it is part of the turn being answered).</param>
public readonly record struct GoneReasoning(string Echo, bool KnownToThink, bool Thinking, bool AfterLastUserTurn)
{
    /// <summary>
    /// The blocks of the client's copy that carry a provider's opaque data (an Anthropic-shaped body's <c>thinking</c>
    /// with its <c>signature</c>, <c>redacted_thinking</c> with its <c>data</c>), in order; empty when it kept none.
    /// Only the provider that signed them can check them.
    /// </summary>
    public IReadOnlyList<TextReasoningContent> SignedCopy { get; init; } = [];
}
