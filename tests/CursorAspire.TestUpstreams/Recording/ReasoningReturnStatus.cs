namespace CursorAspire.TestUpstreams;

/// <summary>How the reasoning of an earlier tool-call turn came back in a later request's history.</summary>
public enum ReasoningReturnStatus
{
    /// <summary>Byte for byte what the stand-in sent.</summary>
    Intact,

    /// <summary>Absent: no <c>reasoning_content</c> (GLM, Kimi, DeepSeek), no <c>&lt;think&gt;</c> block in <c>content</c> (MiniMax).</summary>
    Missing,

    /// <summary>Present but not what the stand-in sent (trimmed, re-worded, re-encoded).</summary>
    Altered,
}
