using CursorAspire.Proxy.Context;

namespace CursorAspire.Proxy.Compaction;

/// <summary>The prompt to send: the conversation, compacted or whole, and what compaction took out of it.</summary>
/// <param name="Messages">The messages to send upstream.</param>
/// <param name="Compaction">What was elided, or null when the conversation goes whole.</param>
public sealed record CompactedPrompt(IReadOnlyList<ChatMessage> Messages, PromptCompaction? Compaction);
