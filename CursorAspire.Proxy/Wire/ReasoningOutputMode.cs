namespace CursorAspire.Proxy.Wire;

/// <summary>How reasoning text from thinking models reaches the client.</summary>
public enum ReasoningOutputMode
{
    /// <summary>
    /// Inside <c>content</c>, wrapped in <c>&lt;think&gt;…&lt;/think&gt;</c>. The default: Cursor renders content for
    /// custom models and ignores unknown delta fields, so without this a long think looks like a hang.
    /// </summary>
    ThinkTags,

    /// <summary>As <c>delta.reasoning_content</c> (DeepSeek's convention), separate from content.</summary>
    ReasoningContent,

    /// <summary>Dropped.</summary>
    Omit,
}
