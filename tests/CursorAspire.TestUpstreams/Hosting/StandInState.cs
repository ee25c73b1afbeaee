namespace CursorAspire.TestUpstreams;

/// <summary>What a stand-in's endpoints share: the reply script, the request log, the prompt cache and the clock.</summary>
internal sealed class StandInState(TimeProvider time, Func<RecordedRequest, StandInReply>? defaultReply)
{
    public TimeProvider Time { get; } = time;

    public ReplyScript Script { get; } = new(defaultReply ?? StandInReply.EchoOf);

    public RequestLog Log { get; } = new();

    /// <summary>The provider's prompt cache, as this stand-in bills it.</summary>
    public PromptCache PromptCache { get; } = new();
}
