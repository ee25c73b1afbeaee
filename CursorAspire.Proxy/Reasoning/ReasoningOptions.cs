namespace CursorAspire.Proxy.Reasoning;

/// <summary>Reasoning kept for tool-call turns of thinking models: the <c>Proxy:Reasoning</c> section.</summary>
public sealed class ReasoningOptions
{
    public const string SectionName = "Proxy:Reasoning";

    /// <summary>How long reasoning stays restorable after the turn that produced it. Seven days, like conversations.</summary>
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Largest stored entry (one turn's reasoning, serialized). A turn that thought more is not stored and its next
    /// request is treated as a miss. 1 MiB holds well over 100K tokens of thinking.
    /// </summary>
    public int MaxBytes { get; set; } = 1024 * 1024;
}
