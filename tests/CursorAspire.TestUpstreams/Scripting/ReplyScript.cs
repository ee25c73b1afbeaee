using System.Collections.Concurrent;

namespace CursorAspire.TestUpstreams;

/// <summary>Thread-safe queue of scripted replies, falling back to a default reply when empty.</summary>
internal sealed class ReplyScript(Func<RecordedRequest, StandInReply> defaultReply)
{
    private readonly ConcurrentQueue<Func<RecordedRequest, StandInReply>> _queue = new();

    public int Pending => _queue.Count;

    public void Enqueue(Func<RecordedRequest, StandInReply> reply) => _queue.Enqueue(reply);

    public StandInReply Next(RecordedRequest request) =>
        _queue.TryDequeue(out var reply) ? reply(request) : defaultReply(request);
}
