namespace CursorAspire.TestUpstreams;

/// <summary>
/// One assistant tool-call message in a request's history that answers a tool call this stand-in issued, and what became
/// of the reasoning the stand-in sent with it (see <see cref="RecordedRequest.ReasoningReturns"/>).
/// </summary>
/// <param name="MessageIndex">The message's index in <c>messages</c>.</param>
/// <param name="ToolCallId">The first of its tool-call ids (one the stand-in generated or was scripted with).</param>
/// <param name="Sent">
/// What the stand-in sent: the <c>reasoning_content</c> (GLM, Kimi, DeepSeek), or the whole <c>content</c> with its
/// <c>&lt;think&gt;</c> block (MiniMax).
/// </param>
/// <param name="Returned">The same field as it came back; <see langword="null"/> when absent.</param>
/// <param name="Status">Intact, missing or altered.</param>
public sealed record ReasoningReturn(int MessageIndex, string ToolCallId, string Sent, string? Returned, ReasoningReturnStatus Status);
