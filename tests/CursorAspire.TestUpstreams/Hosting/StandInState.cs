namespace CursorAspire.TestUpstreams;

/// <summary>What a stand-in's endpoints share: the reply script, the request log, the prompt cache and the clock.</summary>
internal sealed class StandInState(TimeProvider time, Func<RecordedRequest, StandInReply>? defaultReply)
{
    public TimeProvider Time { get; } = time;

    public ReplyScript Script { get; } = new(defaultReply ?? StandInReply.EchoOf);

    public RequestLog Log { get; } = new();

    /// <summary>
    /// The reasoning sent with each tool call this stand-in issued, by tool-call id: what a thinking vendor expects back
    /// in the history (see <see cref="RecordedRequest.ReasoningReturns"/>).
    /// </summary>
    public System.Collections.Concurrent.ConcurrentDictionary<string, string> SentReasoning { get; } = new(StringComparer.Ordinal);

    /// <summary>The provider's prompt cache, as this stand-in bills it.</summary>
    public PromptCache PromptCache { get; } = new();
}
