namespace CursorAspire.TestUpstreams;

/// <summary>One reasoning or text chunk of a streamed reply, and when it may go out.</summary>
/// <param name="IsReasoning">Reasoning (thinking) rather than answer text.</param>
/// <param name="Text">The chunk's text.</param>
/// <param name="DueAfterArrival">
/// When set, the chunk goes out this long after the request arrived (the slow thinker's clock); otherwise
/// <see cref="StandInReply.ChunkDelay"/> after the chunk before it (at once for the first).
/// </param>
internal readonly record struct TimedChunk(bool IsReasoning, string Text, TimeSpan? DueAfterArrival)
{
    /// <summary>
    /// A reply's reasoning and text chunks in wire order: the slow thinker's chunks one interval apart from the request's
    /// arrival, the first chunk after them at <see cref="StandInReply.ThinkingTime"/>, the rest paced by the chunk delay.
    /// </summary>
    public static IReadOnlyList<TimedChunk> Of(StandInReply reply)
    {
        var thinking = reply.ThinkingChunks;
        var slow = thinking.Count - reply.ReasoningChunks.Count;
        var chunks = new List<TimedChunk>(thinking.Count + reply.TextChunks.Count);
        for (var i = 0; i < thinking.Count; i++)
        {
            chunks.Add(new TimedChunk(true, thinking[i], i < slow ? reply.ThinkingInterval * i : null));
        }

        chunks.AddRange(reply.TextChunks.Select(text => new TimedChunk(false, text, null)));
        if (slow > 0 && chunks.Count > slow)
        {
            chunks[slow] = chunks[slow] with { DueAfterArrival = reply.ThinkingTime };
        }

        return chunks;
    }
}
